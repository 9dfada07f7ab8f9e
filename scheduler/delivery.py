"""Exactly-once bookkeeping: claim a delivery key in the database, send, mark it sent.

States of a ``delivery`` row: ``claimed`` (someone is sending), ``sent``,
``retry`` (a transient failure; may be claimed again after a backoff) and
``failed`` (permanent, or out of attempts). The unique constraint on
(kind, recipient, occasion) makes the first INSERT the only winner; every
later change is a compare-and-set on (status, attempts), so two processes can
never both take over the same row.

Trade-off: a claim whose owner died before sending is taken over once its
lease has run out, and sent then (the issue's "killed between claiming and
sending → sent once after restart"). A process that dies *after* the platform
accepted the message but *before* it wrote ``sent`` has its message sent a
second time after the lease — the only at-least-once window, as long as one
UPDATE. No chat platform offers an idempotency key for a new message, so
this window cannot be closed; the lease (longer than any send with its
timeouts) keeps a slow but living sender from being overtaken.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.db import transaction
from storage.models import Delivery, DeliveryStatus

log = logging.getLogger("motesbot.scheduler")

CLAIMED = DeliveryStatus.CLAIMED
SENT = DeliveryStatus.SENT
RETRY = DeliveryStatus.RETRY
FAILED = DeliveryStatus.FAILED
LEASE = timedelta(minutes=2)
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=30)
MAX_ATTEMPTS = 6


@dataclass(frozen=True)
class Claim:
    """A delivery row this process now owns: (id, attempts) fence every later update."""

    id: int
    attempts: int
    node: str


def backoff(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 30 s, 1 min, 2 min … at most 30 min."""
    factor = 1 << min(max(attempts - 1, 0), 16)
    return min(FIRST_BACKOFF * factor, MAX_BACKOFF)


def find(session: Session, key: tuple[str, str, str]) -> Delivery | None:
    """Return the delivery row of a key, if any."""
    kind, recipient, occasion = key
    stmt = select(Delivery).where(
        Delivery.kind == kind, Delivery.recipient == recipient, Delivery.occasion == occasion
    )
    return session.exec(stmt).first()


def settled_keys(session: Session, occasions: set[str]) -> dict[tuple[str, str, str], Delivery]:
    """The delivery rows of some occasions, by key (one query; to skip what is done)."""
    if not occasions:
        return {}
    rows = session.exec(select(Delivery).where(col(Delivery.occasion).in_(sorted(occasions))))
    return {(d.kind, d.recipient, d.occasion): d for d in rows}


def claimable(row: Delivery, now: datetime, lease: timedelta = LEASE) -> bool:
    """Tell whether an existing row may be taken over at ``now``."""
    if row.status == CLAIMED:
        return row.claimed_at + lease <= now
    if row.status == RETRY:
        return row.claimed_at + backoff(row.attempts) <= now
    return False


def claim(
    engine: Engine,
    key: tuple[str, str, str],
    *,
    workspace_id: int | None,
    node: str,
    now: datetime,
    lease: timedelta = LEASE,
) -> Claim | None:
    """Claim a delivery key for this process; None when it is sent, failed or someone else's.

    Args:
        engine: the database.
        key: (kind, recipient, occasion).
        workspace_id: for the row (reporting).
        node: who claims ("host:pid:uuid").
        now: the clock.
        lease: how long a claim protects a sender that may still be working.
    """
    kind, recipient, occasion = key
    try:
        with transaction(engine) as session:
            row = Delivery(
                workspace_id=workspace_id,
                kind=kind,
                recipient=recipient,
                occasion=occasion,
                status=CLAIMED,
                claimed_by=node,
                claimed_at=now,
                attempts=1,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            return Claim(row.id, 1, node)
    except IntegrityError:
        pass
    with transaction(engine) as session:
        existing = find(session, key)
        if existing is None or existing.id is None or not claimable(existing, now, lease):
            return None
        attempts = existing.attempts + 1
        result = session.execute(
            update(Delivery)
            .where(
                col(Delivery.id) == existing.id,
                col(Delivery.status) == existing.status,
                col(Delivery.attempts) == existing.attempts,
            )
            .values(status=CLAIMED, claimed_by=node, claimed_at=now, attempts=attempts)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        if existing.status == CLAIMED:
            log.warning("took over delivery %s from %s (lease ran out)", key, existing.claimed_by)
        return Claim(existing.id, attempts, node)


def _finish(engine: Engine, claim_: Claim, **values: object) -> bool:
    with transaction(engine) as session:
        result = session.execute(
            update(Delivery)
            .where(
                col(Delivery.id) == claim_.id,
                col(Delivery.claimed_by) == claim_.node,
                col(Delivery.attempts) == claim_.attempts,
            )
            .values(**values)
        )
        done = bool(result.rowcount == 1)  # type: ignore[attr-defined]
    if not done:
        log.warning("delivery %s was taken over while we sent it", claim_.id)
    return done


def mark_sent(engine: Engine, claim_: Claim, *, now: datetime) -> bool:
    """Record a successful send."""
    return _finish(engine, claim_, status=SENT, sent_at=now, error=None)


def mark_failed(
    engine: Engine,
    claim_: Claim,
    *,
    now: datetime,
    error: str,
    permanent: bool,
    retry_after: float | None = None,
) -> str:
    """Record a failed send; return the new status (retry or failed).

    A retry row's backoff counts from its ``claimed_at``; when the platform asked
    for a longer wait (``retry_after`` seconds), ``claimed_at`` is moved on so the
    row becomes claimable no sooner than that.
    """
    status = FAILED if permanent or claim_.attempts >= MAX_ATTEMPTS else RETRY
    since = now
    if retry_after is not None and status == RETRY:
        since = now + max(timedelta(seconds=retry_after) - backoff(claim_.attempts), timedelta(0))
    _finish(engine, claim_, status=status, claimed_at=since, error=error[:1000])
    return status


def next_attempt(row: Delivery, lease: timedelta = LEASE) -> datetime | None:
    """When a row waiting for a retry (or held by a claim) may be taken next; None if done."""
    if row.status == CLAIMED:
        return row.claimed_at + lease
    if row.status == RETRY:
        return row.claimed_at + backoff(row.attempts)
    return None


def pending_instants(
    session: Session, now: datetime, until: datetime, lease: timedelta = LEASE
) -> set[datetime]:
    """The moments in (now, until] at which a retry or an orphaned claim becomes claimable.

    One indexed query (``ix_delivery_status``): rows older than the longest
    backoff are claimable already or stale, so only recent ones are read.
    """
    since = now - (MAX_BACKOFF + lease)
    rows = session.exec(
        select(Delivery).where(
            col(Delivery.status).in_([RETRY, CLAIMED]), col(Delivery.claimed_at) > since
        )
    )
    instants: set[datetime] = set()
    for row in rows:
        moment = next_attempt(row, lease)
        if moment is not None and now < moment <= until:
            instants.add(moment)
    return instants


def fail_pending(engine: Engine, *, workspace_id: int, now: datetime, error: str) -> int:
    """Give up on a workspace's messages waiting for a retry (the app was removed there).

    Rows being sent right now are left to their sender, whose send fails for good
    anyway; later due messages are failed by the tick without being sent.

    Returns:
        How many rows became ``failed``.
    """
    with transaction(engine) as session:
        result = session.execute(
            update(Delivery)
            .where(col(Delivery.workspace_id) == workspace_id, col(Delivery.status) == RETRY)
            .values(status=FAILED, claimed_at=now, error=error[:1000])
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
