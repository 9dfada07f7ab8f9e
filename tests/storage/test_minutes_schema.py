"""Migration 0004 adds the full-text search objects (the model comparison is in test_schema)."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

import storage.models  # noqa: F401


def test_the_search_objects_exist_on_their_database(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert "decision_fts" in inspect(conn).get_table_names()
            triggers = conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'decision_fts%'"
                )
            ).scalars()
            assert sorted(triggers) == ["decision_fts_ad", "decision_fts_ai", "decision_fts_au"]
        else:
            indexes = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_decision_fts_swedish'")
            ).scalar_one()
            assert "gin" in indexes and "swedish" in indexes
