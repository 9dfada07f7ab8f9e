"""Engine and session set-up for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from storage import changes  # noqa: F401  (installs the session events that signal the scheduler)

DEFAULT_DATABASE_URL = "sqlite:///motesbot.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def is_sqlite(url: str) -> bool:
    """Tell whether a URL points at SQLite."""
    return url.startswith("sqlite")


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine tuned for the backend.

    SQLite gets WAL, a busy timeout and enforced foreign keys, because several
    threads of one process (and the CLI beside a running bot) share the file.
    PostgreSQL gets pre-ping so a restarted server is picked up without a restart.

    Args:
        url: SQLAlchemy URL (``Settings.database_url``); defaults to ``./motesbot.db``.
        **kwargs: extra ``create_engine`` arguments.

    Returns:
        The engine.
    """
    url = url or DEFAULT_DATABASE_URL
    if is_sqlite(url):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            **kwargs,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_timeout", 5)
    return create_engine(url, **kwargs)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """Open a session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
