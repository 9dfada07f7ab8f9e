"""The acknowledgement is a promise: recorded first, resumed after a crash, refused honestly."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qsl

from sqlalchemy import text
from sqlmodel import Session, select

from storage import inbox
from storage.models import Action, InboxItem, InboxStatus
from tests.bot.slack.conftest import SlackHarness
from tests.conftest import NOW


def _rows(harness: SlackHarness) -> list[InboxItem]:
    with Session(harness.engine) as session:
        return list(session.exec(select(InboxItem).order_by(InboxItem.id)).all())


async def test_a_command_is_recorded_done_and_answered(slack: SlackHarness) -> None:
    answer = await slack.command("/action", "add Boka lokal senast 2026-12-04")
    assert answer.status == 200 and answer.body == ""
    [row] = _rows(slack)
    assert row.kind == "command" and row.status == InboxStatus.DONE
    assert row.answered_at is not None and "Åtgärd #1" in (row.answer or "")
    assert "token" not in row.payload  # the legacy verification token is not kept


async def test_a_command_acknowledged_by_a_process_that_died_is_run_and_answered_late(
    slack: SlackHarness,
) -> None:
    # What a SIGKILL right after the 200 leaves behind: a claimed row, never processed.
    body = dict(parse_qsl(slack.command_body("/action", "add Ring Lisa senast 2026-12-04")))
    received = NOW - timedelta(minutes=3)
    inbox.record(
        slack.engine,
        platform="slack",
        key=f"cmd:{body['trigger_id']}",
        workspace=body["team_id"],
        kind="command",
        payload=body,
        reply_to={"response_url": body["response_url"], "channel": "CKC", "user": "U0SEK"},
        at=received,
        node="dead-process",
        lease=timedelta(seconds=30),
    )
    assert slack.service.resumer is not None
    assert await slack.service.resumer.sweep() == 1
    await slack.service.drain()
    [answer] = slack.stub.of("response_url")
    when = received.strftime("%H:%M")
    assert answer.args["text"].startswith(f"Svar på ditt kommando kl. {when}:"), answer.args
    assert re.search(r"Åtgärd #1 registrerad", answer.args["text"])
    with Session(slack.engine) as session:
        assert [a.text for a in session.exec(select(Action)).all()] == ["Ring Lisa"]
    [row] = _rows(slack)
    assert row.status == InboxStatus.DONE and row.answered_at is not None
    # A second sweep finds nothing: stored once, answered once.
    assert await slack.service.resumer.sweep() == 0
    await slack.service.drain()
    assert len(slack.stub.of("response_url")) == 1


async def test_an_answer_lost_after_the_commit_is_sent_from_the_inbox(slack: SlackHarness) -> None:
    await slack.command("/action", "add Skicka kallelse senast 2026-12-04")
    [row] = _rows(slack)
    assert row.id is not None
    # As if the process died after committing, before the answer went out.
    with Session(slack.engine) as session:
        session.execute(text("UPDATE inbox SET answered_at = NULL WHERE id = :i"), {"i": row.id})
        session.commit()
    slack.stub.calls.clear()
    assert slack.service.resumer is not None
    slack.service.settings.motesbot_now = (NOW + timedelta(minutes=1)).isoformat()
    assert await slack.service.resumer.sweep() == 1
    [answer] = slack.stub.of("response_url")
    assert "Svar på ditt kommando kl." in answer.args["text"]
    assert "Åtgärd #1" in answer.args["text"]
    with Session(slack.engine) as session:
        assert len(session.exec(select(Action)).all()) == 1


async def test_when_the_inbox_cannot_be_written_the_user_is_told_to_try_again(
    slack: SlackHarness,
) -> None:
    with slack.engine.connect() as blocker:
        blocker.execute(text("BEGIN IMMEDIATE"))
        answer = await slack.command("/action", "add Boka lokal senast 2026-12-04")
        blocker.execute(text("ROLLBACK"))
    assert answer.status == 200
    assert "försök igen" in answer.body and "Ingenting sparades" in answer.body
    assert answer.seconds < 3
    assert _rows(slack) == []
    with Session(slack.engine) as session:
        assert session.exec(select(Action)).all() == []


async def test_a_redelivered_event_is_the_same_row_and_answered_once(slack: SlackHarness) -> None:
    event = {
        "type": "app_mention",
        "user": "U0SEK",
        "text": "<@UBOT> action add Boka lokal senast 2026-12-04",
        "channel": "CKC",
        "ts": "1.1",
    }
    first = await slack.event(event, event_id="Ev01")
    again = await slack.event(event, event_id="Ev01", retry=1)
    assert first.status == again.status == 200
    assert len(_rows(slack)) == 1
    with Session(slack.engine) as session:
        assert len(session.exec(select(Action)).all()) == 1


async def test_a_command_started_in_the_recording_thread_is_run_and_answered_once(
    slack: SlackHarness,
) -> None:
    await slack.command("/action", "add Boka lokal senast 2026-12-04")  # meets the caller
    await slack.service.drain()
    # Everyone in it is known now: recorded and run in one trip off the event loop, and
    # the answer is posted before Slack gets the 200.
    answer = await slack.command("/action", "add Skicka kallelse senast 2026-12-04")
    assert answer.status == 200 and answer.body == ""
    assert "Åtgärd #2" in slack.stub.of("response_url")[-1].args["text"]
    await slack.service.drain()
    second = _rows(slack)[1]
    assert second.status == InboxStatus.DONE and "Åtgärd #2" in (second.answer or "")
    assert second.answered_at is not None
    answers = [c.args["text"] for c in slack.stub.of("response_url")]
    assert len(answers) == 2 and "Åtgärd #2" in answers[1]
    with Session(slack.engine) as session:
        assert [a.number for a in session.exec(select(Action)).all()] == [1, 2]
