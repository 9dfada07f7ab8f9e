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

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect, text
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
        "person_name",
        "alembic_version",
    }
)
_MARK = "motesbot_schedule_changed"
_NOTIFIED = "motesbot_schedule_notified"
_WHO = "motesbot_schedule_who"
_DIRECT = "motesbot_written_directly"
# Tables whose rows decide who gets a morning DM: a change to one is narrowed to the people
# concerned (their own row, an action's owners); any other table's change concerns no one's DM
# but may move a digest, a status request or a follow-up (those are few and always planned).
_PEOPLE_TABLES = frozenset({"person", "action_owner", "action"})
# A change here may make anyone due (a workspace's zone or language, a bulk statement).
_BROAD_TABLES = frozenset({"workspace"})
# Rows that never move a wake-up: the reminder times are people's, the digests meetings'.
_UNTIMED_TABLES = frozenset({"action", "action_owner", "action_note"})
# Past this many people a change is simply broad: a full tick is cheaper than a long IN list.
MAX_NARROW = 2000
# PostgreSQL's NOTIFY payload must stay under 8000 bytes.
_MAX_PAYLOAD = 7000


@dataclass(frozen=True)
class Change:
    """What a committed transaction changed, as far as whose morning DM may be due.

    Attributes:
        people: people whose DM may have changed (their row or an action they own).
        actions: actions written whose owners were not seen in the transaction.
        broad: anyone's DM may have changed; plan everyone.
        timing: a row that wake-ups are derived from changed (a person's reminder time, a
            meeting, a series, a follow-up); actions alone never move one.
    """

    people: frozenset[int] = frozenset()
    actions: frozenset[int] = frozenset()
    broad: bool = False
    timing: bool = False

    @classmethod
    def everyone(cls) -> Change:
        """A change that may concern anyone (a lost NOTIFY, a bulk statement)."""
        return cls(broad=True, timing=True)

    def merge(self, other: Change) -> Change:
        """Both changes as one; broad when either is, or when it grows too wide."""
        if self.broad or other.broad:
            return Change.everyone()
        merged = Change(
            self.people | other.people,
            self.actions | other.actions,
            timing=self.timing or other.timing,
        )
        if len(merged.people) + len(merged.actions) > MAX_NARROW:
            return Change.everyone()
        return merged

    def payload(self) -> str:
        """The NOTIFY payload: who changed, or "*" for everyone."""
        if self.broad:
            return "*"
        data = {"p": sorted(self.people), "a": sorted(self.actions), "t": self.timing}
        text = json.dumps(data)
        return text if len(text) <= _MAX_PAYLOAD else "*"

    @classmethod
    def from_payload(cls, payload: str) -> Change:
        """Read a NOTIFY payload written by :meth:`payload`; anything else is broad."""
        try:
            data = json.loads(payload)
            people = frozenset(int(i) for i in data["p"])
            actions = frozenset(int(i) for i in data["a"])
            timing = bool(data["t"])
        except (ValueError, KeyError, TypeError):
            return cls.everyone()
        return cls(people, actions, timing=timing)


# A person's columns that decide when their reminders and status requests come.
_TIMING_COLUMNS = (
    "reminder_time", "timezone", "reminders_enabled", "away_from", "away_until", "workspace_id",
)  # fmt: skip


def _untimed_person_edit(obj: Any, name: str | None) -> bool:
    """An existing person whose edit (a name, a locale) moves none of their wake-ups.

    The chat platforms refresh people's names and locales all the time; re-reading every
    person's reminder time after each of those would cost as much as the old minute loop.
    """
    if name != "person":
        return False
    state = inspect(obj)
    if not state.persistent or state.deleted:
        return False
    return not any(state.attrs[c].history.has_changes() for c in _TIMING_COLUMNS)


class _Who:
    """The people and actions a transaction wrote so far (kept in ``session.info``)."""

    def __init__(self) -> None:
        self.people: set[int] = set()
        self.actions: set[int] = set()
        self.broad = False
        self.timing = False
        self.notified = 0

    def note(self, objects: Iterable[Any]) -> None:
        for obj in objects:
            name = _table_of(obj)
            if name not in _UNTIMED_TABLES and not _untimed_person_edit(obj, name):
                self.timing = True
            if name in _BROAD_TABLES:
                self.broad = True
            elif name == "person" and getattr(obj, "id", None) is not None:
                self.people.add(int(obj.id))
            elif name == "action_owner" and getattr(obj, "person_id", None) is not None:
                self.people.add(int(obj.person_id))
            elif name == "action" and getattr(obj, "id", None) is not None:
                # A new action has no id before the flush; its owner rows name its people.
                self.actions.add(int(obj.id))

    def change(self) -> Change:
        if self.broad:
            return Change.everyone()
        return Change().merge(
            Change(frozenset(self.people), frozenset(self.actions), timing=self.timing)
        )


Listener = Callable[[Change], None]
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


def _who(session: Session) -> _Who:
    who = session.info.get(_WHO)
    if not isinstance(who, _Who):
        who = session.info[_WHO] = _Who()
    return who


def _mark(session: Session) -> None:
    session.info[_MARK] = True


def _notify(session: Session) -> None:
    """Tell other replicas, once per flush that found someone new (or everyone)."""
    if session.get_bind().dialect.name != "postgresql" or not session.info.get(_MARK):
        return
    who = _who(session)
    size = len(who.people) + len(who.actions) + (1 if who.broad else 0) + (1 if who.timing else 0)
    if size == 0:  # concerns no one (a new action before its owners): a round trip for nothing
        return
    if session.info.get(_NOTIFIED) and size == who.notified:
        return
    session.info[_NOTIFIED] = True
    who.notified = size
    # Transactional: PostgreSQL delivers it on commit, and drops it on rollback. Several
    # payloads in one transaction each arrive; the listener merges them.
    session.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": CHANNEL, "payload": who.change().payload()},
    )


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    written = [o for o in (*session.new, *session.deleted) if _relevant(o)]
    # ``dirty`` holds every object an attribute was set on; only a real change counts.
    written += [o for o in session.dirty if _relevant(o) and session.is_modified(o)]
    if written:
        _mark(session)
        _who(session).note(written)


@event.listens_for(Session, "after_flush_postexec")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    _notify(session)


@event.listens_for(Session, "do_orm_execute")
def _bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name is not None and name not in IGNORED_TABLES:
        _mark(state.session)
        who = _who(state.session)
        if name not in _UNTIMED_TABLES:
            who.timing = True
        if name in _PEOPLE_TABLES or name in _BROAD_TABLES:
            # A statement names no rows we could see: it may concern anyone.
            who.broad = True
        _notify(state.session)


def wrote(session: Session, objects: Iterable[Any], *, owners: Iterable[int] = ()) -> None:
    """Count records inserted on the session's connection, as if they were flushed.

    They are also kept for :func:`written_directly`, so whoever collects a transaction's
    writes at its flushes (the command pipeline) sees them too.

    Args:
        session: the transaction.
        objects: the records inserted.
        owners: people made owners of an inserted action on the connection: their morning
            DMs may have changed (one notification on PostgreSQL for the action and them).
    """
    relevant = [o for o in objects if _relevant(o)]
    people = list(owners)
    if not relevant and not people:
        return
    session.info.setdefault(_DIRECT, []).extend(relevant)
    _mark(session)
    _who(session).note(relevant)
    _who(session).people.update(people)
    _notify(session)


def written_directly(session: Session) -> list[Any]:
    """The records :func:`wrote` counted in the session's current transaction."""
    found = session.info.get(_DIRECT)
    return list(found) if isinstance(found, list) else []


def _clear(session: Session) -> None:
    session.info.pop(_DIRECT, None)
    session.info.pop(_MARK, None)
    session.info.pop(_NOTIFIED, None)
    session.info.pop(_WHO, None)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_DIRECT, None)
    changed = session.info.pop(_MARK, False)
    who = session.info.pop(_WHO, None)
    session.info.pop(_NOTIFIED, None)
    if not changed:
        return
    change = who.change() if isinstance(who, _Who) else Change()
    bind = session.bind
    with _lock:
        targets = [listener for engine, listener in _listeners if engine is bind]
    for listener in targets:
        try:
            listener(change)
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
                        self.on_change(Change.everyone())
                    first = False
                    self.ready.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=self.poll):
                            self.on_change(Change.from_payload(note.payload))
            except psycopg.Error as err:
                self.ready.clear()
                log.warning("schedule LISTEN connection failed (%s); retrying", err)
                self._stop.wait(5)
