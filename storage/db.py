"""Engine and session set-up for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import logging
import re
import select
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, create_engine

from storage import (
    changes,  # noqa: F401  (installs the session events that signal the scheduler)
    person_names,  # noqa: F401  (keeps the names that look-ups search in step)
)

log = logging.getLogger("motesbot.storage")

DEFAULT_DATABASE_URL = "sqlite:///motesbot.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000
# How often the background checkpointer copies SQLite's write-ahead log into the file.
CHECKPOINT_SECONDS = 1.0
# A log this long (frames of 4 KiB: about 40 MB) is copied while writers wait, so it starts over.
RESTART_AFTER_FRAMES = 10_000


def is_sqlite(url: str) -> bool:
    """Tell whether a URL points at SQLite."""
    return url.startswith("sqlite")


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine tuned for the backend.

    SQLite gets WAL, a busy timeout and enforced foreign keys, because several
    threads of one process (and the CLI beside a running bot) share the file.
    PostgreSQL gets a check at checkout that replaces a pooled connection the server
    has closed, so a restarted server is picked up without a restart.

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

        _serialise_writers(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_timeout", 5)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        event.listen(engine, "checkout", _replace_if_server_hung_up)
    return engine


def _replace_if_server_hung_up(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """Give out no pooled PostgreSQL connection that the server has closed.

    A server that restarts or ends a session says so on the socket (an error message,
    then the close) while the connection sits in the pool. An idle connection with
    anything to read is such a one; the pool replaces it (``DisconnectionError``) before
    the caller sees it. This is the pool's pre-ping without the round trip to the server
    (two per command, a tenth of a command's time on PostgreSQL). A server that went away
    without a word (a lost network) is found at the first statement instead.
    """
    pgconn = getattr(dbapi_conn, "pgconn", None)
    if pgconn is None:  # not psycopg: nothing to look at without a round trip
        return
    import psycopg  # only PostgreSQL deployments load it

    if getattr(dbapi_conn, "closed", False) or getattr(dbapi_conn, "broken", False):
        raise DisconnectionError("the connection was closed")
    try:
        watch = select.poll()  # not select(): no limit on the descriptor's number
        watch.register(pgconn.socket, select.POLLIN)
        readable = watch.poll(0)
    except (OSError, ValueError, psycopg.Error) as err:
        raise DisconnectionError("the connection's socket is gone") from err
    if readable:
        raise DisconnectionError("the server closed the connection")


def single_statement(conn: Connection) -> Connection:
    """The connection for one read on its own: on PostgreSQL without a transaction around it.

    A transaction costs two round trips more (BEGIN, ROLLBACK), a third of such a read's time;
    one statement sees a consistent snapshot by itself.
    """
    if conn.dialect.name == "postgresql":
        return conn.execution_options(isolation_level="AUTOCOMMIT")
    return conn


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# Where a connection's busy timeout is noted, when a caller changed it (see busy_timeout).
_WAIT_KEY = "motesbot_busy_timeout_s"


def busy_timeout(conn: Connection, seconds: float) -> None:
    """Set how long a SQLite connection waits for the write lock (this process's and the file's).

    Straight on the driver's connection: this runs on the acknowledgement's path, twice
    per command, and a statement through SQLAlchemy costs ten times as much.

    Args:
        conn: a connection of an engine from :func:`make_engine` on SQLite.
        seconds: the longest wait.
    """
    raw = conn.connection.dbapi_connection
    assert raw is not None
    raw.execute(f"PRAGMA busy_timeout={max(1, int(seconds * 1000))}")
    conn.connection.info[_WAIT_KEY] = seconds


_BUSY_RE = re.compile(r"busy_timeout\s*=\s*(\d+)", re.IGNORECASE)


def _serialise_writers(engine: Engine) -> None:
    """Let one thread of this process write to the SQLite file at a time, the others wait.

    SQLite admits one writer; a second one polls its busy handler (sleeping and retrying)
    and loses the time in between. A lock taken at a transaction's first write and given
    back at its end queues the process's writers instead. Readers never take it (WAL lets
    them read during a write). A writer that waits longer than the busy timeout goes on
    without the lock and meets SQLite's own wait, as before.
    """
    lock = threading.Lock()
    holders: set[int] = set()

    def take(conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        raw = id(conn.connection.dbapi_connection)
        head = statement.lstrip()[:24].upper()
        if head.startswith("PRAGMA BUSY_TIMEOUT"):
            found = _BUSY_RE.search(statement)
            if found:
                conn.connection.info[_WAIT_KEY] = int(found.group(1)) / 1000
            return
        if raw in holders or not head.startswith(_WRITES):
            return
        wait = conn.connection.info.get(_WAIT_KEY, SQLITE_BUSY_TIMEOUT_MS / 1000)
        if lock.acquire(timeout=wait):
            holders.add(raw)

    def give_back(dbapi_connection: Any) -> None:
        raw = id(dbapi_connection)
        if raw in holders:
            holders.discard(raw)
            lock.release()

    def returned(dbapi_connection: Any, *_args: Any) -> None:
        # After the commit (or the rollback) has finished: a session's transaction ends
        # by handing its connection back to the pool.
        if dbapi_connection is not None:
            give_back(dbapi_connection)

    def begun(conn: Any) -> None:
        # A connection kept open across transactions: its earlier one has ended.
        give_back(conn.connection.dbapi_connection)

    event.listen(engine, "before_cursor_execute", take)
    event.listen(engine, "begin", begun)
    event.listen(engine.pool, "reset", returned)
    event.listen(engine.pool, "checkin", returned)


@contextmanager
def transaction(engine: Engine, *, session_class: type[Session] = Session) -> Iterator[Session]:
    """Open a session that commits on success and rolls back on any error.

    Args:
        engine: the database.
        session_class: a subclass of Session with listeners of its own (the command pipeline's).
    """
    with session_class(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


class WalCheckpointer:
    """Copy SQLite's write-ahead log into the database file in a thread of its own.

    By default SQLite does this inside the commit that makes the log pass 1,000 pages, and
    that commit waits for the copy and its fsync: one command in a few hundred got an answer
    ten milliseconds late. With this running the process's connections leave it to the
    thread (``wal_autocheckpoint=0``), which checkpoints every ``every`` seconds without
    blocking writers or readers (``PASSIVE``). The log starts over at the first write after
    a checkpoint that caught up; under writes that never pause it would not, so past
    ``restart_after`` frames the thread checkpoints with writers waiting (``RESTART``), once,
    as SQLite's own would have. Other processes on the file (the CLI) keep SQLite's default.
    Nothing to do on PostgreSQL or an in-memory database.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        every: float = CHECKPOINT_SECONDS,
        restart_after: int = RESTART_AFTER_FRAMES,
    ) -> None:
        """Prepare to checkpoint ``engine``'s file every ``every`` seconds (see :meth:`start`)."""
        self.engine = engine
        self.every = every
        self.restart_after = restart_after
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def applies(self) -> bool:
        """Whether the engine is a SQLite file (in WAL mode), the only case with work to do."""
        url = self.engine.url
        return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")

    def start(self) -> None:
        """Turn the commits' own checkpoints off and start the thread.

        The pooled connections are closed first, so every connection from now on is opened
        with the setting: call it before serving, while no connection is checked out.
        """
        if not self.applies or self._thread is not None:
            return
        event.listen(self.engine, "connect", _no_autocheckpoint)
        self.engine.dispose()
        self._thread = threading.Thread(
            target=self._run, name="motesbot-wal-checkpoint", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread after a last checkpoint; commits checkpoint by themselves again."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout=10)
        self._thread = None
        event.remove(self.engine, "connect", _no_autocheckpoint)
        self.checkpoint()
        self.engine.dispose()

    def checkpoint(self, mode: str = "PASSIVE") -> tuple[int, int, int] | None:
        """Checkpoint once: SQLite's (busy, frames in the log, frames copied), or None on error.

        Args:
            mode: ``PASSIVE`` (never waits) or ``RESTART`` (writers wait until it is done).
        """
        assert mode in ("PASSIVE", "RESTART")
        try:
            with self.engine.connect() as conn:
                row = conn.exec_driver_sql(f"PRAGMA wal_checkpoint({mode})").one()
                return int(row[0]), int(row[1]), int(row[2])
        except Exception:  # a locked or vanished file: the next round tries again
            log.warning("WAL checkpoint failed", exc_info=True)
            return None

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            done = self.checkpoint()
            if done is not None and done[1] > self.restart_after:
                self.checkpoint("RESTART")


def _no_autocheckpoint(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")
