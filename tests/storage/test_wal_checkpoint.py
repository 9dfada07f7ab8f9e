"""The server's commits leave copying SQLite's log into the file to a thread of its own."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from storage.db import WalCheckpointer, transaction

PAGE = 4096
INSERT = text("INSERT INTO processed_event (platform, event_id, at) VALUES ('t', :e, '2026-01-01')")


def _write(engine: Engine, commits: int) -> None:
    # Each commit writes a few pages (a long key fills the table and its unique index).
    for n in range(commits):
        with transaction(engine) as session:
            session.execute(INSERT, {"e": f"{n:06d}-" + "x" * 180 + f"-{time.monotonic_ns()}"})


def _wal_pages(engine: Engine) -> float:
    database = engine.url.database
    assert database is not None
    return Path(f"{database}-wal").stat().st_size / PAGE


def _count(engine: Engine) -> int:
    with transaction(engine) as session:
        return int(session.execute(text("SELECT count(*) FROM processed_event")).scalar_one())


def test_no_commit_checkpoints_while_the_checkpointer_runs(sqlite_engine: Engine) -> None:
    checkpointer = WalCheckpointer(sqlite_engine, every=3600)  # the thread stays idle here
    checkpointer.start()
    try:
        _write(sqlite_engine, 1500)
        # SQLite's own checkpoint would have run in a commit near 1,000 pages and started
        # the log over; no commit did.
        grown = _wal_pages(sqlite_engine)
        assert grown > 1200
        result = checkpointer.checkpoint()
        assert result is not None
        busy, frames, copied = result
        assert busy == 0 and frames > 1200 and copied == frames
    finally:
        checkpointer.stop()
    assert _count(sqlite_engine) == 1500


def test_the_thread_keeps_the_log_short_and_stopping_gives_commits_their_own_back(
    sqlite_engine: Engine,
) -> None:
    checkpointer = WalCheckpointer(sqlite_engine, every=0.005, restart_after=500)
    checkpointer.start()
    try:
        with sqlite_engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 0
        _write(sqlite_engine, 3000)
        # Writes without a pause: only the thread's restarts keep the log from growing.
        assert _wal_pages(sqlite_engine) < 3000
    finally:
        checkpointer.stop()
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 1000
    assert _count(sqlite_engine) == 3000


def test_nothing_to_do_on_a_database_in_memory() -> None:
    from storage.db import make_engine

    engine = make_engine("sqlite://")
    checkpointer = WalCheckpointer(engine)
    assert not checkpointer.applies
    checkpointer.start()
    checkpointer.stop()
    engine.dispose()
