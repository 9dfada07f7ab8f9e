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
