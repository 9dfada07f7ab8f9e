"""Teams and the durable inbox: recorded before the turn, run once, resumed after a crash."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.settings import Settings
from bot.teams.config import load_teams_config
from bot.teams.inbox import Intake
from bot.teams.resume import Resumer
from bot.teams.routes import TEAMS_RESUMER_KEY, teams_installer
from bot.web import create_app
from storage import inbox
from storage.models import Action, AuditEvent, InboxItem, InboxStatus
from tests.bot.teams.conftest import NOW, SDK_WARNINGS, SVEN, TENANT, Teams, _start

pytestmark = SDK_WARNINGS

RECEIVED = datetime.fromisoformat(NOW) - timedelta(minutes=3)  # 08:57 in Stockholm


def _rows(engine: Engine) -> list[InboxItem]:
    with Session(engine) as session:
        return list(session.exec(select(InboxItem).order_by(InboxItem.id)).all())


def _actions(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [a.text for a in session.exec(select(Action)).all()]


def _audits(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(AuditEvent)).all())


@asynccontextmanager
async def _restarted(engine: Engine, *, now: str = NOW) -> AsyncIterator[Resumer]:
    """A fresh process on the same database: our web app with Teams, its first sweep done."""
    config = load_teams_config({"TEAMS_ANONYMOUS": "true"})
    assert config is not None
    settings = Settings(database_url=str(engine.url), motesbot_now=now)
    app = create_app(settings, engine, [teams_installer(config)])
    runner, _url = await _start(app)
    resumer = app[TEAMS_RESUMER_KEY]
    try:
        await asyncio.wait_for(resumer.first_sweep.wait(), timeout=10)
        yield resumer
    finally:
        await runner.cleanup()


Restart = Callable[..., AbstractAsyncContextManager[Resumer]]


@pytest.fixture
def restart() -> Restart:
    """Start another process on the same database (see :func:`_restarted`)."""
    return _restarted


def _left_by_a_dead_process(teams: Teams, activity: dict[str, Any]) -> int:
    """What a SIGKILL right after recording leaves: a claimed row, never processed.

    The row is written with the endpoint's own recording arguments.
    """
    intake = Intake(
        engine=teams.engine,
        clock=lambda: RECEIVED,
        node="dead-process",
        lease=timedelta(seconds=30),
    )
    entry = intake.entry(activity, None)
    assert entry is not None
    recorded = inbox.record(
        teams.engine, **entry, at=RECEIVED, node="dead-process", lease=timedelta(seconds=30)
    )
    return recorded.item_id


async def test_a_message_is_recorded_then_marked_done_and_answered(teams: Teams) -> None:
    with Session(teams.engine) as session:
        # The database itself checks the order: no action without its claimed inbox row.
        session.execute(
            text(
                "CREATE TRIGGER action_needs_inbox BEFORE INSERT ON action "
                "WHEN NOT EXISTS (SELECT 1 FROM inbox WHERE status = 'claimed') "
                "BEGIN SELECT RAISE(ABORT, 'no inbox row'); END"
            )
        )
        session.commit()
    activity = teams.message(SVEN, "action add Boka lokal senast 2026-12-05")
    await teams.post(activity)
    [row] = _rows(teams.engine)
    assert (row.platform, row.kind, row.workspace) == ("teams", "message", TENANT)
    assert row.key.startswith(f"{activity['id']}@")
    assert row.payload["text"] == "action add Boka lokal senast 2026-12-05"
    reference = (row.reply_to or {})["reference"]["conversation_reference"]
    assert reference["conversation"]["id"] == f"a:1personal-chat-{SVEN.aad}"
    assert row.status == InboxStatus.DONE and row.answered_at is not None
    assert "Åtgärd #1" in (row.answer or "")
    assert "Åtgärd #1" in teams.stub.texts()[0]


async def _duplicates(teams: Teams) -> float:
    """``motesbot_commands_total{command="action",outcome="duplicate"}`` on our /metrics."""
    async with teams.http.get(f"{teams.url}/metrics") as response:
        body = await response.text()
    return sum(
        sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == "motesbot_commands_total"
        and sample.labels == {"command": "action", "outcome": "duplicate"}
    )


async def test_the_same_activity_posted_twice_is_processed_once(teams: Teams) -> None:
    activity = teams.message(SVEN, "action add Boka lokal senast 2026-12-05")
    before = await _duplicates(teams)
    first, _ = await teams.post(activity)
    again, _ = await teams.post(activity)
    assert await _duplicates(teams) - before == 1  # the redelivery still counts in /metrics
    assert {first, again} <= {200, 202}
    assert _actions(teams.engine) == ["Boka lokal"]
    assert _audits(teams.engine) == 1
    assert len(_rows(teams.engine)) == 1
    assert len(teams.stub.texts()) == 1  # the redelivery is not answered a second time


async def test_a_card_click_delivered_twice_is_done_once_and_told_so(teams: Teams) -> None:
    await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
    done = next(
        b
        for item in teams.stub.cards()[-1]["body"]
        if item.get("type") == "ActionSet"
        for b in item["actions"]
        if b["type"] == "Action.Execute"
    )
    click = teams.card_action(SVEN, done)
    _, first = await teams.post(click)
    _, again = await teams.post(click)
    assert first["type"] == "application/vnd.microsoft.card.adaptive"
    assert again["type"] == "application/vnd.microsoft.activity.message"
    assert "redan" in again["value"]
    assert [r.kind for r in _rows(teams.engine)] == ["message", "invoke"]
    assert _audits(teams.engine) == 2  # added, then done: once


async def test_a_message_recorded_by_a_process_that_died_is_run_and_answered_late(
    teams: Teams, restart: Restart
) -> None:
    _left_by_a_dead_process(teams, teams.message(SVEN, "action add Ring Lisa senast 2026-12-04"))
    async with restart(teams.engine) as resumer:
        [answer] = teams.stub.texts()
        assert answer.startswith("Svar på ditt kommando kl. 08:57: Åtgärd #1"), answer
        assert _actions(teams.engine) == ["Ring Lisa"]
        [row] = _rows(teams.engine)
        assert row.status == InboxStatus.DONE and row.answered_at is not None
        # A second sweep finds nothing: stored once, answered once.
        assert await resumer.sweep() == 0
    assert len(teams.stub.texts()) == 1
    assert _audits(teams.engine) == 1
    call = teams.stub.messages()[0]
    assert call.conversation_id == f"a:1personal-chat-{SVEN.aad}"


async def test_a_card_click_cut_off_by_a_crash_is_answered_by_message(
    teams: Teams, restart: Restart
) -> None:
    await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
    done = next(
        b
        for item in teams.stub.cards()[-1]["body"]
        if item.get("type") == "ActionSet"
        for b in item["actions"]
        if b["type"] == "Action.Execute"
    )
    _left_by_a_dead_process(teams, teams.card_action(SVEN, done))
    async with restart(teams.engine):
        late = teams.stub.texts()[-1]
    assert late.startswith("Svar på ditt kommando kl. 08:57:"), late
    assert "klar" in late
    with Session(teams.engine) as session:
        assert [a.status for a in session.exec(select(Action)).all()] == ["done"]


async def test_an_answer_lost_after_the_commit_is_sent_from_the_inbox(
    teams: Teams, restart: Restart
) -> None:
    await teams.post(teams.message(SVEN, "action add Skicka kallelse senast 2026-12-04"))
    [row] = _rows(teams.engine)
    # As if the process died after committing, before the answer went out.
    with Session(teams.engine) as session:
        session.execute(text("UPDATE inbox SET answered_at = NULL WHERE id = :i"), {"i": row.id})
        session.commit()
    later = (datetime.fromisoformat(NOW) + timedelta(minutes=1)).isoformat()
    async with restart(teams.engine, now=later):
        pass
    _first, late = teams.stub.texts()
    assert late.startswith("Svar på ditt kommando kl. 09:00: Åtgärd #1"), late
    assert _actions(teams.engine) == ["Skicka kallelse"]


async def test_a_row_that_keeps_failing_ends_in_a_clear_error(
    teams: Teams, restart: Restart
) -> None:
    item_id = _left_by_a_dead_process(teams, teams.message(SVEN, "action add Ring Lisa"))
    with Session(teams.engine) as session:
        # Three processes already died on it.
        session.execute(text("UPDATE inbox SET attempts = 3 WHERE id = :i"), {"i": item_id})
        session.commit()
    async with restart(teams.engine):
        [answer] = teams.stub.texts()
    assert "kl. 08:57 kunde inte utföras" in answer
    assert _actions(teams.engine) == []
    [row] = _rows(teams.engine)
    assert row.status == InboxStatus.FAILED


async def test_when_the_inbox_cannot_be_written_the_user_is_told_to_try_again(
    teams: Teams,
) -> None:
    with Session(teams.engine) as session:
        # The inbox refuses every row (a full disk, a broken table: the write fails).
        session.execute(
            text(
                "CREATE TRIGGER inbox_down BEFORE INSERT ON inbox "
                "BEGIN SELECT RAISE(ABORT, 'inbox unavailable'); END"
            )
        )
        session.commit()
    await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
    [answer] = teams.stub.texts()
    assert "försök igen om en stund" in answer and "Ingenting sparades" in answer
    assert _actions(teams.engine) == []
    assert _rows(teams.engine) == []


async def test_a_card_click_the_inbox_cannot_take_keeps_its_card(teams: Teams) -> None:
    await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
    done = next(
        b
        for item in teams.stub.cards()[-1]["body"]
        if item.get("type") == "ActionSet"
        for b in item["actions"]
        if b["type"] == "Action.Execute"
    )
    with teams.engine.connect() as blocker:
        blocker.execute(text("BEGIN IMMEDIATE"))  # another writer holds the lock
        status, body = await teams.post(teams.card_action(SVEN, done, locale="en-US"))
        blocker.execute(text("ROLLBACK"))
    assert status == 200
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert "try again in a moment" in body["value"]
    with Session(teams.engine) as session:
        assert [a.status for a in session.exec(select(Action)).all()] == ["open"]
