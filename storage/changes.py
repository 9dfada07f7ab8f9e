"""Tell the scheduler when a committed transaction changed what it plans from.

Every session (``sqlmodel.Session`` is an SQLAlchemy ``Session``) is watched by
session events: a flush or an ORM bulk statement that writes a row of a table
the schedule is derived from marks the transaction; when it commits, the
listeners subscribed for that engine are called (in the committing thread, so
a listener hops onto its own loop with ``call_soon_threadsafe``). A rolled-back
transaction signals nothing.

On PostgreSQL the marked transaction also runs ``pg_notify(CHANNEL, '')``,
which the server delivers only on commit, so the leader in another replica
hears of it through :class:`NotifyListener` (a dedicated connection that
LISTENs in a thread).

Tables that never change when something is due (bookkeeping: deliveries,
the inbox, audit, tokens) are left out, so a command that only reads, or a
send recording its delivery, does not make the scheduler re-plan. Every other
table counts: missing a change would miss a wake-up, an extra one only costs a
re-plan.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

log = logging.getLogger("motesbot.storage")

CHANNEL = "motesbot_schedule"
# Written by sends, commands' bookkeeping and platform caches; never read to plan a wake-up.
IGNORED_TABLES = frozenset(
    {
        "delivery",
        "inbox",
        "audit_event",
        "processed_event",
        "conversation_ref",
        "calendar_token",
        "slack_profile",
        "shared_file",
        "alembic_version",
    }
)
_MARK = "motesbot_schedule_changed"
_NOTIFIED = "motesbot_schedule_notified"

Listener = Callable[[], None]
_lock = threading.Lock()
_listeners: list[tuple[Engine, Listener]] = []


def subscribe(engine: Engine, listener: Listener) -> Callable[[], None]:
    """Call ``listener`` after every commit on ``engine`` that changed schedule data.

    The listener runs in the committing thread, right after the commit; it must
    be quick and thread-safe (set a flag, schedule a callback on a loop).

    Returns:
        A function that unsubscribes it.
    """
    entry = (engine, listener)
    with _lock:
        _listeners.append(entry)

    def unsubscribe() -> None:
        with _lock:
            if entry in _listeners:
                _listeners.remove(entry)

    return unsubscribe


def _table_of(obj: Any) -> str | None:
    table = getattr(type(obj), "__table__", None)
    return getattr(table, "name", None)


def _relevant(obj: Any) -> bool:
    name = _table_of(obj)
    return name is not None and name not in IGNORED_TABLES


def _mark(session: Session) -> None:
    if session.info.get(_MARK):
        return
    session.info[_MARK] = True
    bind = session.get_bind()
    if bind.dialect.name == "postgresql" and not session.info.get(_NOTIFIED):
        session.info[_NOTIFIED] = True
        # Transactional: PostgreSQL delivers it on commit, and drops it on rollback.
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if session.info.get(_MARK):
        return
    if any(_relevant(o) for o in session.new) or any(_relevant(o) for o in session.deleted):
        _mark(session)
        return
    # ``dirty`` holds every object an attribute was set on; only a real change counts.
    if any(_relevant(o) and session.is_modified(o) for o in session.dirty):
        _mark(session)


@event.listens_for(Session, "do_orm_execute")
def _bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name is not None and name not in IGNORED_TABLES:
        _mark(state.session)


def _clear(session: Session) -> None:
    session.info.pop(_MARK, None)
    session.info.pop(_NOTIFIED, None)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    changed = session.info.pop(_MARK, False)
    session.info.pop(_NOTIFIED, None)
    if not changed:
        return
    bind = session.bind
    with _lock:
        targets = [listener for engine, listener in _listeners if engine is bind]
    for listener in targets:
        try:
            listener()
        except Exception:  # a listener's trouble must not fail the committed command
            log.exception("schedule change listener failed")


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    _clear(session)


class NotifyListener:
    """LISTEN on PostgreSQL for schedule changes committed by any process.

    A daemon thread holds one connection of its own (outside the pool) and
    calls ``on_change`` for every notification. After a lost connection it
    reconnects and calls ``on_change`` once, since notifications sent while it
    was away are lost.

    Args:
        engine: a PostgreSQL engine (its URL is reused for the connection).
        on_change: called in the listener thread.
        poll: seconds between checks of the stop flag.
    """

    def __init__(self, engine: Engine, on_change: Listener, *, poll: float = 0.5) -> None:
        """Prepare; call :meth:`start`."""
        self.conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self.on_change = on_change
        self.poll = poll
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start listening in a daemon thread (returns at once; ``ready`` is set once LISTENing)."""
        self._thread = threading.Thread(target=self._run, name="motesbot-listen", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and wait briefly for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll * 4 + 1)

    def _run(self) -> None:
        import psycopg  # only PostgreSQL deployments need it

        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    if not first:
                        self.on_change()
                    first = False
                    self.ready.set()
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=self.poll):
                            self.on_change()
            except psycopg.Error as err:
                self.ready.clear()
                log.warning("schedule LISTEN connection failed (%s); retrying", err)
                self._stop.wait(5)
