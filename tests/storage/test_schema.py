"""The migrations build exactly the models' schema, and the hot queries use indexes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

import storage.models  # noqa: F401
from storage import actions
from storage.db import transaction
from storage.migrate import include_object
from storage.models import Action
from storage.workspaces import get_or_create_workspace

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _expected_schema() -> MetaData:
    """Our models plus slack-sdk's store tables as the library defines them today."""
    expected = MetaData()
    for table in SQLModel.metadata.tables.values():
        table.to_metadata(expected)
    SQLAlchemyInstallationStore.build_installations_table(
        expected, SQLAlchemyInstallationStore.default_installations_table_name
    )
    SQLAlchemyInstallationStore.build_bots_table(
        expected, SQLAlchemyInstallationStore.default_bots_table_name
    )
    SQLAlchemyOAuthStateStore.build_oauth_states_table(
        expected, SQLAlchemyOAuthStateStore.default_table_name
    )
    return expected


def test_migrations_match_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, _expected_schema())
    assert diff == []


def test_sqlite_runs_in_wal_mode(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000


def test_concurrent_actions_get_distinct_numbers(engine: Engine) -> None:
    with transaction(engine) as session:
        ws = get_or_create_workspace(session, platform="console", external_id="c", at=AT)
        wid = ws.id
    assert wid is not None

    def add(i: int) -> int:
        with transaction(engine) as session:
            return actions.create_action(
                session,
                workspace_id=wid,
                text=f"A{i}",
                owner_ids=[],
                due_date=None,
                at=AT,
                created_by_id=None,
            ).number

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(add, range(40)))
    assert sorted(numbers) == list(range(1, 41))
    with transaction(engine) as session:
        assert len(list(session.exec(select(Action)))) == 40


def test_open_actions_by_owner_and_due_use_indexes(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT action.* FROM action JOIN action_owner "
                    "ON action_owner.action_id = action.id WHERE action_owner.person_id = 1 "
                    "AND action.workspace_id = 1 AND action.status = 'open' "
                    "AND action.due_date < :d ORDER BY action.due_date"
                ),
                {"d": date(2026, 12, 1)},
            )
        )
    # Both tables are searched through an index; neither is scanned whole.
    assert "SCAN action" not in plan and "SEARCH action " in plan and "SEARCH action_owner" in plan
    with sqlite_engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT * FROM action WHERE workspace_id = 1 "
                    "AND status = 'open' AND due_date < '2026-12-01'"
                )
            )
        )
    assert "ix_action_open_due" in plan


def test_migrations_have_one_head() -> None:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, heads
