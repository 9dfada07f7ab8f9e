"""The database stops while commands arrive: a clear "try again", nothing half-written, recovery.

PostgreSQL runs in a private cluster that the test kills (immediate shutdown, as
in a crash or a failover) and starts again on the same port, while our engine,
web app and console stay up: no restart of our process.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.web import create_app
from commands import metrics
from commands.i18n import t
from storage.backup import export_data
from storage.db import make_engine, transaction
from storage.migrate import upgrade
from tests.conftest import Transcript
from tests.pg_control import StoppableCluster, stoppable_postgres

__all__ = ["stoppable_postgres"]  # the fixture, imported for this module's tests

WHILE_DOWN = [
    ("sv", '/action add Skriv protokoll @"Karin Berg" till fredag'),
    ("en", "/action add Write the minutes"),
    ("sv", "/beslut ny Budgeten fastställs"),
    ("en", "/action done #1"),
    ("sv", "/action lista"),
    ("en", "/meeting next"),
]


def snapshot(engine: Engine) -> dict[str, Any]:
    """The whole register as the JSON export shows it."""
    with transaction(engine) as session:
        return export_data(session, exported_at=datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture
def pg_engine(stoppable_postgres: StoppableCluster) -> Iterator[Engine]:
    """An upgraded engine on the stoppable server (pre-ping on, as in production)."""
    engine = make_engine(stoppable_postgres.database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
async def web_app(pg_engine: Engine) -> AsyncIterator[TestServer]:
    """The real web app over HTTP on 127.0.0.1."""
    srv = TestServer(create_app(Settings(), pg_engine), host="127.0.0.1")
    await srv.start_server()
    yield srv
    await srv.close()


async def healthz(srv: TestServer) -> int:
    async with ClientSession() as http, http.get(srv.make_url("/healthz")) as resp:
        return resp.status


def assert_try_again(reply: Any, lang: str) -> None:
    assert reply.error
    assert reply.lang == lang
    assert reply.headline == t(lang, "db_unavailable")
    assert "Traceback" not in reply.as_text() and "Error" not in reply.as_text()


async def test_database_down_then_back_without_restart(
    stoppable_postgres: StoppableCluster, pg_engine: Engine, web_app: TestServer
) -> None:
    console = Transcript(pg_engine)
    assert not console.send("/action add Ring Anna om budgeten").error
    assert not console.send("/decision add Protokollet justeras av Karin").error
    assert await healthz(web_app) == 200
    before = snapshot(pg_engine)
    failures_before = metrics.COMMANDS[("action", "unavailable")]

    stoppable_postgres.stop()
    for lang, line in WHILE_DOWN:
        assert_try_again(console.send(line, lang=lang), lang)
    assert await healthz(web_app) == 503
    assert metrics.COMMANDS[("action", "unavailable")] - failures_before == 4

    stoppable_postgres.restart()
    reply = console.send("/action add Boka lokal")
    assert not reply.error, reply.as_text()
    assert await healthz(web_app) == 200
    after = snapshot(pg_engine)
    (ws_before,), (ws_after,) = before["workspaces"], after["workspaces"]
    # Nothing of what was sent while the database was down was stored; the rest is intact.
    assert ws_after["actions"][:-1] == ws_before["actions"]
    assert [a["text"] for a in ws_after["actions"]] == ["Ring Anna om budgeten", "Boka lokal"]
    assert [a["number"] for a in ws_after["actions"]] == [1, 2]
    assert ws_after["decisions"] == ws_before["decisions"]


def test_a_restart_between_commands_goes_unnoticed(
    stoppable_postgres: StoppableCluster, pg_engine: Engine
) -> None:
    """The pooled connections died with the server; the next command gets a live one."""
    console = Transcript(pg_engine)
    assert not console.send("/action add Ring Anna").error

    stoppable_postgres.stop()
    stoppable_postgres.restart()

    reply = console.send("/action add Boka lokal")
    assert not reply.error, reply.as_text()
    assert "#2" in reply.as_text()


async def test_database_dies_in_the_middle_of_a_command(
    stoppable_postgres: StoppableCluster, pg_engine: Engine
) -> None:
    console = Transcript(pg_engine)
    assert not console.send("/action add Ring Anna").error
    before = snapshot(pg_engine)
    seen: list[str] = []

    def kill_before_audit(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split("(")[0].strip())
        # The action row is already written in this transaction; the server dies now.
        if statement.startswith("INSERT INTO audit_event") and stoppable_postgres.running:
            stoppable_postgres.stop()

    event.listen(pg_engine, "before_cursor_execute", kill_before_audit)
    try:
        reply = console.send('/action add Skriv PM @"Karin Berg" till 2026-12-04')
    finally:
        event.remove(pg_engine, "before_cursor_execute", kill_before_audit)
    assert "INSERT INTO action" in seen, seen
    assert_try_again(reply, "sv")

    stoppable_postgres.restart()
    assert snapshot(pg_engine) == before
    # The number the failed command would have taken is still free.
    reply = console.send("/action add Skriv PM")
    assert not reply.error and "#2" in reply.as_text()


def test_sqlite_locked_by_another_process(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'motesbot.db'}")

    @event.listens_for(engine, "connect")
    def _short_wait(dbapi_conn: Any, _record: Any) -> None:
        # Production waits 10 s for a lock; a test need not.
        dbapi_conn.execute("PRAGMA busy_timeout=200")

    upgrade(engine)
    console = Transcript(engine)
    assert not console.send("/action add Ring Anna").error
    before = snapshot(engine)

    other = sqlite3.connect(tmp_path / "motesbot.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert_try_again(console.send("/action add Skriv protokoll"), "sv")
        assert_try_again(console.send("/action done #1", lang="en"), "en")
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert snapshot(engine) == before
    assert not console.send("/action add Skriv protokoll").error
    engine.dispose()
