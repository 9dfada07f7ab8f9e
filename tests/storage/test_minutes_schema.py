"""Migration 0004 adds only the full-text search objects, and the models still match."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.migrate import include_object


def test_models_match_with_the_search_objects_left_out(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


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
