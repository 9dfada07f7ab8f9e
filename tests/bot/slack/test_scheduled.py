"""Scheduled messages for Slack people travel scheduler → SlackMessenger → the Slack Web API."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.messengers import build_messengers
from commands import metrics
from commands.reply import Reply
from scheduler.messenger import DeliveryError
from scheduler.tick import run_tick
from storage.db import transaction
from storage.models import Person, Workspace
from tests.bot.slack.conftest import SlackHarness, slack_settings

STOCKHOLM = ZoneInfo("Europe/Stockholm")


async def test_morning_dm_of_a_slack_user_is_sent_once_through_slack(slack: SlackHarness) -> None:
    answer = await slack.command("/action", "add Ring Anna <@U0LISA> senast 2026-11-24")
    assert answer.status == 200
    messengers = build_messengers(
        slack_settings(slack.stub, slack.engine), slack.engine, io.StringIO()
    )
    assert set(messengers) == {"console", "slack"}

    morning = datetime(2026, 11, 24, 8, 0, tzinfo=STOCKHOLM)
    sent_before = metrics.SCHEDULED_SENDS[("morning_dm", "sent")]
    reports = await run_tick(slack.engine, messengers, morning)
    assert metrics.SCHEDULED_SENDS[("morning_dm", "sent")] == sent_before + 1
    assert [(r.outcome, r.outgoing.kind) for r in reports] == [("sent", "morning_dm")]
    opened = slack.stub.of("conversations.open")
    assert [c.args.get("users") for c in opened] == ["U0LISA"]
    posted = [c for c in slack.stub.of("chat.postMessage") if "#1 Ring Anna" in str(c.args)]
    assert len(posted) == 1

    again = await run_tick(slack.engine, messengers, morning)
    assert [r.outcome for r in again if r.outcome == "sent"] == []
    assert len([c for c in slack.stub.of("chat.postMessage") if "#1 Ring Anna" in str(c.args)]) == 1


async def test_a_rate_limit_outlasting_the_clients_retries_carries_its_retry_after(
    slack: SlackHarness,
) -> None:
    answer = await slack.command("/action", "add Ring Anna <@U0LISA> senast 2026-11-24")
    assert answer.status == 200
    messenger = build_messengers(
        slack_settings(slack.stub, slack.engine), slack.engine, io.StringIO()
    )["slack"]
    with transaction(slack.engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.platform == "slack")).one()
        person = session.exec(select(Person).where(Person.platform_user_id == "U0LISA")).one()
    reply = Reply("Hej")
    # slack-sdk retries a 429 three times itself (waiting its Retry-After); then we are told.
    slack.stub.fail("conversations.open", status=429, headers={"Retry-After": "0"}, times=4)
    with pytest.raises(DeliveryError) as limited:
        await messenger.send_dm(workspace=workspace, person=person, reply=reply)
    assert limited.value.retry_after == 0.0 and not limited.value.permanent
    slack.stub.fail("conversations.open", status=500, times=3)
    with pytest.raises(DeliveryError) as broken:
        await messenger.send_dm(workspace=workspace, person=person, reply=reply)
    assert broken.value.retry_after is None
