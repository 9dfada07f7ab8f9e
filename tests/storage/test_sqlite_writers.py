"""SQLite writers of one process queue for the file instead of polling for its lock."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text
from sqlalchemy.engine import Engine

from storage.db import transaction

INSERT = text("INSERT INTO processed_event (platform, event_id, at) VALUES ('t', :e, '2026-01-01')")


def _count(engine: Engine) -> int:
    with transaction(engine) as session:
        return int(session.execute(text("SELECT count(*) FROM processed_event")).scalar_one())


def test_many_threads_writing_at_once_all_get_through(sqlite_engine: Engine) -> None:
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for k in range(25):
                with transaction(sqlite_engine) as session:
                    session.execute(INSERT, {"e": f"{n}-{k}"})
                    session.execute(text("SELECT count(*) FROM processed_event")).scalar_one()
        except BaseException as err:
            failures.append(err)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert _count(sqlite_engine) == 200


def test_a_connection_kept_open_after_its_commit_holds_up_no_writer(
    sqlite_engine: Engine,
) -> None:
    kept = sqlite_engine.connect()
    try:
        kept.execute(INSERT, {"e": "kept"})
        kept.commit()
        kept.execute(text("SELECT 1"))  # a new transaction, reading only
        started = time.monotonic()
        with transaction(sqlite_engine) as session:
            session.execute(INSERT, {"e": "other"})
        assert time.monotonic() - started < 1.0
    finally:
        kept.close()
    assert _count(sqlite_engine) == 2
