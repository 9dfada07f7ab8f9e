"""Committed schedule changes signal their engine's listeners; reads, rollbacks and sends do not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from storage import changes
from storage.db import transaction
from storage.models import Delivery, DeliveryStatus, Person, Workspace
from tests.conftest import Transcript

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_commits_that_change_schedule_data_signal_and_others_do_not(engine: Engine) -> None:
    calls: list[str] = []
    unsubscribe = changes.subscribe(engine, lambda _change: calls.append("changed"))
    try:
        with transaction(engine) as session:
            ws = Workspace(platform="console", external_id="kc", name="KC", created_at=NOW)
            session.add(ws)
            session.flush()
            assert ws.id is not None
            session.add(Person(workspace_id=ws.id, display_name="Lisa Berg", created_at=NOW))
        assert calls == ["changed"]

        with transaction(engine) as session:  # a read, and a no-op assignment
            person = session.exec(select(Person)).one()
            person.display_name = "Lisa Berg"
        with pytest.raises(RuntimeError), transaction(engine) as session:
            session.exec(select(Person)).one().reminders_enabled = False
            session.flush()
            raise RuntimeError("rolled back")
        with transaction(engine) as session:  # a send's bookkeeping
            session.add(
                Delivery(
                    kind="morning_dm",
                    recipient="person:1",
                    occasion="2026-12-07",
                    status=DeliveryStatus.SENT,
                    claimed_at=NOW,
                )
            )
        assert calls == ["changed"]

        with transaction(engine) as session:  # an ORM bulk statement
            session.execute(
                update(Person).where(col(Person.id) > 0).values(reminders_enabled=False)
            )
        assert calls == ["changed", "changed"]
    finally:
        unsubscribe()
    with transaction(engine) as session:
        session.exec(select(Person)).one().reminders_enabled = True
    assert calls == ["changed", "changed"]


def test_a_change_names_whose_morning_dm_it_concerns(console_any: Transcript) -> None:
    """An action names its owners and moves no wake-up; a meeting moves one; a bulk statement
    may concern anyone."""
    engine = console_any.engine
    console_any.send('/action add Ring regionen @"Per Holm" senast 2026-12-10')
    seen: list[changes.Change] = []
    unsubscribe = changes.subscribe(engine, seen.append)
    try:
        console_any.send('/action add Boka lokal @"Per Holm" senast 2026-12-11')
        console_any.send("/action klar #1")
        console_any.send("/meeting new KC-möte 2027-01-14 08:30-12:00")
        with transaction(engine) as session:
            session.execute(update(Person).values(reminders_enabled=True))
    finally:
        unsubscribe()
    with transaction(engine) as session:
        ids = {p.display_name: p.id for p in session.exec(select(Person))}
    added, done, meeting, bulk = seen
    assert ids["Per Holm"] in added.people and not added.broad and not added.timing
    assert not done.broad and not done.timing and (done.actions or done.people)
    assert meeting.timing and not meeting.broad and not meeting.people
    assert bulk.broad
    assert changes.Change.from_payload(added.payload()) == added
    assert changes.Change.from_payload("*").broad


def test_a_name_or_locale_refresh_moves_no_wake_up_but_a_reminder_time_does(
    console_any: Transcript,
) -> None:
    engine = console_any.engine
    console_any.send('/action add Ring regionen @"Per Holm" senast 2026-12-10')
    seen: list[changes.Change] = []
    unsubscribe = changes.subscribe(engine, seen.append)
    try:
        with transaction(engine) as session:
            per = session.exec(select(Person).where(col(Person.display_name) == "Per Holm")).one()
            per.locale = "en-GB"  # what a users.info refresh writes
        with transaction(engine) as session:
            per = session.exec(select(Person).where(col(Person.display_name) == "Per Holm")).one()
            per.reminder_time = per.reminder_time.replace(hour=7)
    finally:
        unsubscribe()
    refresh, reminder = seen
    assert refresh.people and not refresh.timing and not refresh.broad
    assert reminder.people == refresh.people and reminder.timing


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_an_action_logged_on_postgresql_tells_other_replicas_once(
    console_any: Transcript, db_url: str
) -> None:
    """One NOTIFY per /action add, naming the owner: each is a round trip on the answer's path."""
    import psycopg
    from sqlalchemy.engine import make_url

    console_any.send('/action add Ring regionen @"Per Holm" senast 2026-12-10')
    conninfo = make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as listener:
        listener.execute(f"LISTEN {changes.CHANNEL}")
        console_any.send('/action add Boka lokal @"Per Holm" senast 2026-12-11')
        heard = [n.payload for n in listener.notifies(timeout=1.0)]
    with transaction(console_any.engine) as session:
        per = session.exec(select(Person).where(col(Person.display_name) == "Per Holm")).one()
    assert len(heard) == 1, heard
    assert per.id in changes.Change.from_payload(heard[0]).people
