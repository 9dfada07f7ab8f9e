"""The durable inbox: what was acknowledged is recorded first, and processed exactly once.

A row is written in one short transaction before the platform gets its 200. The
worker claims it, runs it through the command pipeline and marks it done in the
same transaction as the change it makes, so a crash leaves both undone or both
done. A row left pending or claimed by a dead process is taken up again by
:func:`claim_stale`. Done rows are deleted after a retention period (gallring).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, or_, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.db import SQLITE_BUSY_TIMEOUT_MS, busy_timeout
from storage.models import InboxItem, InboxStatus

# How long the acknowledgement path waits for a database lock before giving up.
RECORD_LOCK_WAIT_SECONDS = 1.0
# Payload keys that carry secrets and are never stored.
SECRET_KEYS = frozenset({"token", "bot_token", "access_token", "app_token", "client_secret"})


@dataclass(frozen=True)
class Recorded:
    """What :func:`record` did.

    Attributes:
        item_id: the inbox row's id.
        new: False when the key was recorded before (a redelivery).
        status: the row's status as found.
    """

    item_id: int
    new: bool
    status: str


_TABLE = InboxItem.metadata.tables["inbox"]
# The statements of every command, built once: building one costs more than running it.
# On the table, not the model: the ORM's bulk-statement bookkeeping cost a sixth of a
# command's pipeline, and no object of these rows is loaded where they run.
_INSERT = insert(_TABLE).returning(_TABLE.c.id)
_PG_LOCK_WAIT = text(
    "SELECT set_config('lock_timeout', :lock, true), "
    "set_config('statement_timeout', :statement, true)"
)
_MARK_DONE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("item_id"), _TABLE.c.status != InboxStatus.DONE.value)
    .values(
        status=InboxStatus.DONE.value,
        done_at=bindparam("at"),
        answer=bindparam("answer"),
        claimed_until=None,
    )
)
_FINISH = (
    update(_TABLE)
    .where(_TABLE.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        status=InboxStatus.DONE.value,
        done_at=func.coalesce(_TABLE.c.done_at, bindparam("at")),
        answered_at=bindparam("at"),
        claimed_until=None,
    )
)


def without_secrets(payload: Any) -> Any:
    """A copy of a payload with secret fields left out, at every depth."""
    if isinstance(payload, dict):
        return {k: without_secrets(v) for k, v in payload.items() if k not in SECRET_KEYS}
    if isinstance(payload, list):
        return [without_secrets(v) for v in payload]
    return payload


def record(
    engine: Engine,
    *,
    platform: str,
    key: str,
    workspace: str,
    kind: str,
    payload: dict[str, Any],
    reply_to: dict[str, Any] | None,
    at: datetime,
    node: str | None = None,
    lease: timedelta | None = None,
    lock_wait: float = RECORD_LOCK_WAIT_SECONDS,
) -> Recorded:
    """Write one incoming unit of work, or find it if its key was recorded before.

    Runs its own short transaction and waits at most ``lock_wait`` seconds for a
    lock, so the acknowledgement is never held up for long: the caller answers
    "try again" when this raises.

    Args:
        engine: the database.
        platform: "slack" or "teams".
        key: the redelivery key (event id, trigger id, activity id).
        workspace: the platform's workspace id.
        kind: what it is ("command", "event", "block_action", "view_submission", …).
        payload: the raw payload; secret fields are dropped.
        reply_to: how to answer later (response_url, channel, user, conversation reference).
        at: when it was received.
        node: when given, the row is claimed for this process at once (it is processed
            inline right after the acknowledgement).
        lease: how long that claim holds before another process may take the row.
        lock_wait: the longest wait for a database lock, in seconds.

    Returns:
        The row's id, whether it is new, and its status.

    Raises:
        sqlalchemy.exc.OperationalError: the row could not be written in time.
    """
    # Core, not the ORM: this write is on the acknowledgement's path.
    with engine.connect() as conn:
        _short_lock_wait(conn, lock_wait)
        try:
            return _insert(conn, platform, key, workspace, kind, payload, reply_to, at, node, lease)
        finally:
            conn.rollback()
            _restore_lock_wait(conn)


def _insert(
    conn: Connection,
    platform: str,
    key: str,
    workspace: str,
    kind: str,
    payload: dict[str, Any],
    reply_to: dict[str, Any] | None,
    at: datetime,
    node: str | None,
    lease: timedelta | None,
) -> Recorded:
    claimed = node is not None
    status = (InboxStatus.CLAIMED if claimed else InboxStatus.PENDING).value
    values = {
        "platform": platform,
        "key": key[:200],
        "workspace": workspace[:200],
        "kind": kind,
        "payload": without_secrets(payload),
        "reply_to": without_secrets(reply_to) if reply_to is not None else None,
        "received_at": at,
        "status": status,
        "claimed_by": node,
        "claimed_until": at + lease if claimed and lease is not None else None,
        "attempts": 1 if claimed else 0,
    }
    try:
        item_id = conn.execute(_INSERT, values).scalar_one()
        conn.commit()
    except IntegrityError:
        conn.rollback()
        found = conn.execute(
            select(col(InboxItem.id), col(InboxItem.status)).where(
                col(InboxItem.platform) == platform, col(InboxItem.key) == key[:200]
            )
        ).first()
        if found is None or found[0] is None:
            raise  # refused for another reason than an existing key
        return Recorded(found[0], False, found[1])
    assert item_id is not None  # the primary key RETURNING gave
    return Recorded(item_id, True, status)


def _short_lock_wait(conn: Connection, seconds: float) -> None:
    if conn.dialect.name == "sqlite":
        busy_timeout(conn, seconds)
    else:
        millis = max(1, int(seconds * 1000))
        # Both in one round trip (set_config with true is SET LOCAL).
        conn.execute(_PG_LOCK_WAIT, {"lock": f"{millis}ms", "statement": f"{millis * 3}ms"})


def _restore_lock_wait(conn: Connection) -> None:
    # The SQLite connection goes back to the pool; PostgreSQL's SET LOCAL ended with the
    # transaction by itself.
    if conn.dialect.name == "sqlite":
        busy_timeout(conn, SQLITE_BUSY_TIMEOUT_MS / 1000)


def get(session: Session, /, *, item_id: int) -> InboxItem | None:
    """Return one row."""
    return session.get(InboxItem, item_id)


def is_done(session: Session, /, *, item_id: int) -> bool:
    """Whether a row was marked done (its change is committed)."""
    stmt = select(col(InboxItem.status)).where(col(InboxItem.id) == item_id)
    return session.exec(stmt).first() == InboxStatus.DONE.value


def mark_done(
    session: Session,
    /,
    *,
    item_id: int,
    at: datetime,
    answer: str | None = None,
) -> bool:
    """Mark a row done inside the transaction that makes its change.

    The answer is kept with it, so that when the process dies before the answer
    reaches the person, :func:`claim_unanswered` finds it and another process sends it.

    Args:
        session: the transaction of the change.
        item_id: the row.
        at: now.
        answer: the answer as plain text.

    Returns:
        False when the row was already done (another process finished it first);
        the caller's transaction should then be rolled back.
    """
    answer = answer[:40000] if answer is not None else None
    result = session.execute(_MARK_DONE, {"item_id": item_id, "at": at, "answer": answer})
    return bool(getattr(result, "rowcount", 0))


def mark_answered(engine: Engine, *, item_id: int, at: datetime) -> None:
    """Record that the answer reached the person (a resumed row is not answered twice)."""
    with Session(engine) as session:
        session.execute(
            update(InboxItem)
            .where(col(InboxItem.id) == item_id)
            .values(answered_at=at, claimed_until=None)
        )
        session.commit()


def renew(engine: Engine, *, item_ids: Sequence[int], node: str, until: datetime) -> int:
    """Extend this process's claims on the rows it is still working on or answering.

    A living process renews its rows while they wait for a worker (a burst, a slow
    answer), so another replica's sweep only takes the rows of a dead one and never
    answers a command a second time.

    Returns:
        How many rows were renewed.
    """
    if not item_ids:
        return 0
    with Session(engine) as session:
        result = session.execute(
            update(InboxItem)
            .where(
                col(InboxItem.id).in_(list(item_ids)),
                col(InboxItem.claimed_by) == node,
                col(InboxItem.answered_at).is_(None),
            )
            .values(claimed_until=until)
        )
        session.commit()
        return int(getattr(result, "rowcount", 0) or 0)


def finish(engine: Engine, *, item_id: int, at: datetime) -> None:
    """After the listener: answered, and done if no command marked it (a modal opened,
    a home refreshed), so that the sweep never runs it a second time."""
    finish_many(engine, item_ids=[item_id], at=at)


def finish_many(engine: Engine, *, item_ids: Sequence[int], at: datetime) -> None:
    """:func:`finish` for several rows in one transaction (the answers of a burst)."""
    if not item_ids:
        return
    with engine.begin() as conn:  # after every answer: Core on a connection, no session
        conn.execute(_FINISH, {"ids": list(item_ids), "at": at})


def mark_failed(engine: Engine, *, item_id: int, at: datetime, error: str) -> None:
    """Give up on a row: the sender has been (or is being) told."""
    with Session(engine) as session:
        session.execute(
            update(InboxItem)
            .where(col(InboxItem.id) == item_id, col(InboxItem.status) != InboxStatus.DONE.value)
            .values(
                status=InboxStatus.FAILED.value, done_at=at, claimed_until=None, error=error[:1000]
            )
        )
        session.commit()


def claim_stale(
    engine: Engine,
    *,
    node: str,
    now: datetime,
    lease: timedelta,
    older_than: timedelta,
    limit: int = 100,
    platform: str | None = None,
) -> list[InboxItem]:
    """Claim rows nobody is working on: pending ones older than ``older_than`` (their
    process died between acknowledging and processing) and claims whose lease ran out.

    Each row is claimed with a compare-and-set on its status and lease, so two
    replicas sweeping at once never take the same row. ``platform`` limits the sweep
    to one platform's rows: each platform's resumer can only re-run its own.

    Returns:
        The rows this process now holds, oldest first.
    """
    with Session(engine, expire_on_commit=False) as session:
        candidates = session.exec(
            select(InboxItem)
            .where(
                or_(
                    (col(InboxItem.status) == InboxStatus.PENDING.value)
                    & (col(InboxItem.received_at) <= now - older_than),
                    (col(InboxItem.status) == InboxStatus.CLAIMED.value)
                    & (col(InboxItem.claimed_until) <= now),
                ),
                *_of_platform(platform),
            )
            .order_by(col(InboxItem.received_at), col(InboxItem.id))
            .limit(limit)
        ).all()
        taken = _take(
            session,
            candidates,
            lambda item: {
                "status": InboxStatus.CLAIMED.value,
                "claimed_by": node,
                "claimed_until": now + lease,
                "attempts": item.attempts + 1,
            },
        )
        session.commit()
        for item in taken:
            session.expunge(item)
        return taken


def claim_unanswered(
    engine: Engine,
    *,
    node: str,
    now: datetime,
    lease: timedelta,
    older_than: timedelta,
    limit: int = 100,
    platform: str | None = None,
) -> list[InboxItem]:
    """Claim done rows whose answer never reached the person (the process died in between):
    done longer than ``older_than`` ago, or claimed by a sweeper whose lease ran out.
    ``platform`` limits it to one platform's rows.

    Returns:
        The rows whose stored answer this process should now send.
    """
    with Session(engine, expire_on_commit=False) as session:
        candidates = session.exec(
            select(InboxItem)
            .where(
                col(InboxItem.status) == InboxStatus.DONE.value,
                col(InboxItem.answered_at).is_(None),
                col(InboxItem.answer).is_not(None),
                or_(
                    col(InboxItem.claimed_until).is_(None)
                    & (col(InboxItem.done_at) <= now - older_than),
                    col(InboxItem.claimed_until) <= now,
                ),
                *_of_platform(platform),
            )
            .order_by(col(InboxItem.done_at), col(InboxItem.id))
            .limit(limit)
        ).all()
        taken = _take(
            session, candidates, lambda _item: {"claimed_by": node, "claimed_until": now + lease}
        )
        session.commit()
        for item in taken:
            session.expunge(item)
        return taken


def _of_platform(platform: str | None) -> list[Any]:
    return [] if platform is None else [col(InboxItem.platform) == platform]


def _take(
    session: Session,
    candidates: Sequence[InboxItem],
    values: Callable[[InboxItem], dict[str, Any]],
) -> list[InboxItem]:
    """Claim each candidate with a compare-and-set on the status and lease it was read
    with, so that two sweepers never take the same row."""
    taken: list[InboxItem] = []
    for item in candidates:
        same_lease = (
            col(InboxItem.claimed_until).is_(None)
            if item.claimed_until is None
            else col(InboxItem.claimed_until) == item.claimed_until
        )
        new = values(item)
        result = session.execute(
            update(InboxItem)
            .where(col(InboxItem.id) == item.id, col(InboxItem.status) == item.status, same_lease)
            .values(**new)
        )
        if getattr(result, "rowcount", 0):
            for name, value in new.items():
                setattr(item, name, value)
            taken.append(item)
    return taken


def purge(engine: Engine, *, before: datetime) -> int:
    """Delete done and failed rows finished before a moment (the inbox is no second register).

    Returns:
        How many rows were deleted.
    """
    with Session(engine) as session:
        result = session.execute(
            delete(InboxItem).where(
                col(InboxItem.status).in_([InboxStatus.DONE.value, InboxStatus.FAILED.value]),
                col(InboxItem.done_at) < before,
            )
        )
        session.commit()
        return int(getattr(result, "rowcount", 0) or 0)


def pending_count(session: Session, /) -> int:
    """How many rows wait to be processed (for /metrics and /healthz)."""
    return int(
        session.exec(
            select(func.count())
            .select_from(InboxItem)
            .where(
                col(InboxItem.status).in_([InboxStatus.PENDING.value, InboxStatus.CLAIMED.value])
            )
        ).one()
    )
