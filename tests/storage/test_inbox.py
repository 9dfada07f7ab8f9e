"""The inbox keeps what was acknowledged: recorded once, claimed once, done with its change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from storage import inbox
from storage.db import transaction
from storage.models import InboxItem, InboxStatus

AT = datetime(2026, 12, 10, 8, 40, tzinfo=UTC)
LEASE = timedelta(minutes=2)


def _record(engine: Engine, key: str = "cmd:1.2.abc", **kwargs: object) -> inbox.Recorded:
    return inbox.record(
        engine,
        platform="slack",
        key=key,
        workspace="T1",
        kind="command",
        payload={"command": "/action", "text": "add Ring Lisa", "token": "secret-verification"},
        reply_to={"response_url": "http://localhost/r/1"},
        at=AT,
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_redelivery_finds_the_same_row_and_secrets_are_not_stored(engine: Engine) -> None:
    first = _record(engine)
    again = _record(engine)
    assert first.new and not again.new and first.item_id == again.item_id
    with Session(engine) as session:
        rows = session.exec(select(InboxItem)).all()
    assert len(rows) == 1
    assert "token" not in rows[0].payload and rows[0].payload["text"] == "add Ring Lisa"


def test_done_in_the_same_transaction_as_the_change_or_not_at_all(engine: Engine) -> None:
    item = _record(engine, node="n1", lease=LEASE)
    try:
        with transaction(engine) as session:
            assert inbox.mark_done(session, item_id=item.item_id, at=AT)
            raise RuntimeError("the process failed before commit")
    except RuntimeError:
        pass
    with Session(engine) as session:
        row = session.get(InboxItem, item.item_id)
        assert row is not None and row.status == InboxStatus.CLAIMED
    with transaction(engine) as session:
        assert inbox.mark_done(session, item_id=item.item_id, at=AT)
    with transaction(engine) as session:
        # A second worker finishing the same row learns it was done already.
        assert not inbox.mark_done(session, item_id=item.item_id, at=AT)


def test_stale_rows_are_claimed_once_by_one_sweeper(engine: Engine) -> None:
    pending = _record(engine, key="cmd:pending")
    in_flight = _record(engine, key="cmd:inflight", node="dead", lease=LEASE)
    fresh_claim = _record(engine, key="cmd:fresh", node="alive", lease=timedelta(hours=1))
    later = AT + timedelta(minutes=5)
    taken = inbox.claim_stale(
        engine, node="n2", now=later, lease=LEASE, older_than=timedelta(seconds=30)
    )
    assert {t.id for t in taken} == {pending.item_id, in_flight.item_id}
    assert fresh_claim.item_id not in {t.id for t in taken}
    # Another replica sweeping at the same moment gets nothing.
    assert (
        inbox.claim_stale(engine, node="n3", now=later, lease=LEASE, older_than=timedelta(0)) == []
    )
    # A row just recorded (being processed inline right now) is not swept.
    _record(engine, key="cmd:just-now")
    assert (
        inbox.claim_stale(
            engine, node="n3", now=AT + timedelta(seconds=1), lease=LEASE, older_than=timedelta(30)
        )
        == []
    )


def test_done_rows_are_deleted_after_the_retention(engine: Engine) -> None:
    old = _record(engine, key="cmd:old", node="n1", lease=LEASE)
    open_row = _record(engine, key="cmd:open")
    with transaction(engine) as session:
        inbox.mark_done(session, item_id=old.item_id, at=AT)
    assert inbox.purge(engine, before=AT + timedelta(days=7)) == 1
    with Session(engine) as session:
        ids = set(session.exec(select(InboxItem.id)).all())
        assert ids == {open_row.item_id}
        assert inbox.pending_count(session) == 1
        assert session.exec(select(func.count()).select_from(InboxItem)).one() == 1


def test_the_ack_path_waits_only_briefly_for_a_locked_database(sqlite_engine: Engine) -> None:
    import time

    import pytest
    from sqlalchemy.exc import OperationalError

    with sqlite_engine.connect() as blocker:
        blocker.execute(text("BEGIN IMMEDIATE"))
        started = time.monotonic()
        with pytest.raises(OperationalError):
            _record(sqlite_engine, lock_wait=0.3)
        waited = time.monotonic() - started
        blocker.execute(text("ROLLBACK"))
    assert waited < 3
    # The pool's connections are back to the normal busy timeout afterwards.
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000


def test_an_answer_lost_with_its_process_is_found_and_sent_once(engine: Engine) -> None:
    item = _record(engine, node="n1", lease=LEASE)
    with transaction(engine) as session:
        inbox.mark_done(session, item_id=item.item_id, at=AT, answer="Åtgärd #4 registrerad")

    def claim(node: str, now: datetime) -> list[InboxItem]:
        return inbox.claim_unanswered(engine, node=node, now=now, lease=LEASE, older_than=LEASE)

    # While the first process may still be delivering, nobody else takes it.
    assert claim("n2", AT + timedelta(seconds=10)) == []
    later = AT + timedelta(minutes=3)
    [taken] = claim("n2", later)
    assert taken.answer == "Åtgärd #4 registrerad"
    assert claim("n3", later) == []
    inbox.mark_answered(engine, item_id=item.item_id, at=later)
    assert claim("n3", later + LEASE * 2) == []


def test_each_platform_sweeps_only_its_own_rows(engine: Engine) -> None:
    slack = _record(engine, key="cmd:slack")
    teams = inbox.record(
        engine,
        platform="teams",
        key="1700000000001@abc",
        workspace="tenant",
        kind="message",
        payload={"type": "message", "text": "action add Ring Lisa"},
        reply_to=None,
        at=AT,
    )
    later = AT + timedelta(minutes=5)

    def stale(platform: str) -> list[int | None]:
        taken = inbox.claim_stale(
            engine, node="n2", now=later, lease=LEASE, older_than=LEASE, platform=platform
        )
        return [t.id for t in taken]

    assert stale("teams") == [teams.item_id]
    assert stale("slack") == [slack.item_id]
    for item in (slack, teams):
        with transaction(engine) as session:
            inbox.mark_done(session, item_id=item.item_id, at=AT, answer="Klart")
    unanswered = inbox.claim_unanswered(
        engine, node="n2", now=later, lease=LEASE, older_than=LEASE, platform="teams"
    )
    assert [t.id for t in unanswered] == [teams.item_id]
