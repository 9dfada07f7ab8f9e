"""A living process keeps its rows: only a dead one's are taken by another replica's sweep."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from storage import inbox
from storage.db import transaction
from tests.storage.test_inbox import AT
from tests.storage.test_inbox import _record as record_command

LEASE = timedelta(seconds=30)


def _record(engine: Engine, key: str, node: str) -> int:
    return record_command(engine, key, node=node, lease=LEASE).item_id


def test_renewed_rows_are_not_taken_while_their_process_lives(engine: Engine) -> None:
    queued = _record(engine, "cmd:queued", "alive")  # waits behind a burst
    answering = _record(engine, "cmd:answering", "alive")  # done, answer on its way
    orphan = _record(engine, "cmd:orphan", "dead")
    with transaction(engine) as session:
        assert inbox.mark_done(
            session, item_id=answering, at=AT + timedelta(seconds=1), answer="Sparad: #1"
        )

    # The living process renews twice within its lease; the dead one cannot.
    later = AT + timedelta(seconds=25)
    renewed = inbox.renew(
        engine, item_ids=[queued, answering, orphan], node="alive", until=later + LEASE
    )
    assert renewed == 2  # never another process's row

    sweep_at = AT + timedelta(seconds=45)
    stale = inbox.claim_stale(engine, node="other", now=sweep_at, lease=LEASE, older_than=LEASE)
    unanswered = inbox.claim_unanswered(
        engine, node="other", now=sweep_at, lease=LEASE, older_than=LEASE
    )
    assert [i.id for i in stale] == [orphan]
    assert unanswered == []

    # Once the living process stops renewing (it died too), its rows are taken.
    after = later + LEASE + timedelta(seconds=1)
    stale = inbox.claim_stale(engine, node="other", now=after, lease=LEASE, older_than=LEASE)
    unanswered = inbox.claim_unanswered(
        engine, node="other", now=after, lease=LEASE, older_than=LEASE
    )
    assert [i.id for i in stale] == [queued]
    assert [i.id for i in unanswered] == [answering]


def test_an_answered_row_is_not_renewed(engine: Engine) -> None:
    row = _record(engine, "cmd:answered", "alive")
    inbox.mark_answered(engine, item_id=row, at=AT)
    assert inbox.renew(engine, item_ids=[row], node="alive", until=AT + LEASE) == 0
    assert inbox.renew(engine, item_ids=[], node="alive", until=AT + LEASE) == 0
