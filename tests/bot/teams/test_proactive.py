"""Proactive messages: the scheduler's Messenger writes to conversations stored in our database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.teams.config import load_teams_config
from bot.teams.messenger import (
    TeamsMessenger,
    teams_messenger,
    unreachable_line,
    unreachable_people,
)
from bot.teams.routes import TEAMS_BOT_KEY  # noqa: F401  (the running app exposes its bot)
from commands.format import action_lines
from commands.reply import Line, Reply
from scheduler.messenger import DeliveryError, Messenger
from storage.db import transaction
from storage.models import Action, Person, Workspace
from tests.bot.teams.conftest import BOT, LISA, SDK_WARNINGS, SVEN, TENANT, Teams

pytestmark = SDK_WARNINGS


def _messenger(teams: Teams) -> TeamsMessenger:
    # A fresh adapter, as `motesbot tick` builds it in its own process.
    config = load_teams_config({"TEAMS_ANONYMOUS": "true"})
    assert config is not None
    return TeamsMessenger.from_config(engine=teams.engine, config=config)


def _workspace_and_people(teams: Teams) -> tuple[Workspace, dict[str, Person]]:
    with transaction(teams.engine) as session:
        ws = session.exec(select(Workspace)).one()
        people = {p.display_name: p for p in session.exec(select(Person)).all()}
        session.expunge_all()
    return ws, people


def _morning_dm(teams: Teams) -> Reply:
    with transaction(teams.engine) as session:
        actions = list(session.exec(select(Action)).all())
        lines = action_lines(session, actions, "sv", date(2026, 12, 5))
    return Reply("God morgon! Det här förfaller idag:", tuple(lines))


async def test_morning_dm_arrives_in_the_stored_personal_chat(teams: Teams) -> None:
    await teams.post(teams.install_personal(SVEN))
    await teams.post(teams.message(SVEN, "action add Boka lokal @mig senast 2026-12-05"))
    ws, people = _workspace_and_people(teams)
    before = len(teams.stub.calls)

    messenger: Messenger = _messenger(teams)
    await messenger.send_dm(workspace=ws, person=people["Sven Svensson"], reply=_morning_dm(teams))

    call = teams.stub.calls[before]
    assert call.method == "POST"
    # A new message in the personal chat, not a reply to anything.
    assert call.path == f"/v3/conversations/a:1personal-chat-{SVEN.aad}/activities"
    assert "God morgon" in call.body["text"] and "#1 Boka lokal" in call.body["text"]
    card = call.body["attachments"][0]["content"]
    assert any(item.get("type") == "ActionSet" for item in card["body"])
    assert call.body["recipient"]["aadObjectId"] == SVEN.aad


async def test_person_without_a_personal_chat_is_a_permanent_failure(teams: Teams) -> None:
    await teams.post(teams.install_personal(SVEN))
    await teams.post(
        teams.message(
            SVEN, "action add Ring Anna <at>Lisa Andersson Lindberg</at>", mentions=[LISA]
        )
    )
    ws, people = _workspace_and_people(teams)
    lisa = people["Lisa Andersson Lindberg"]
    before = len(teams.stub.calls)
    with pytest.raises(DeliveryError) as failure:
        await _messenger(teams).send_dm(workspace=ws, person=lisa, reply=Reply("Hej"))
    assert failure.value.permanent
    assert "installera appen personligen" in str(failure.value)
    assert len(teams.stub.calls) == before

    # The digest can say who cannot be reached and how to fix it.
    with transaction(teams.engine) as session:
        missing = unreachable_people(session, workspace=ws, people=people.values())
    assert [p.display_name for p in missing] == ["Lisa Andersson Lindberg"]
    line = unreachable_line("sv", missing)
    assert isinstance(line, Line) and "Lisa Andersson Lindberg" in line.text
    assert "installera appen personligen" in line.text
    assert unreachable_line("sv", []) is None
    note = await _messenger(teams).unreachable_note(workspace=ws, people=people.values(), lang="en")
    assert note is not None and "install the app personally" in note.text
    assert "Sven" not in note.text


def test_teams_messenger_only_when_configured(sqlite_engine: Engine) -> None:
    assert teams_messenger(sqlite_engine, {}) is None
    messenger = teams_messenger(sqlite_engine, {"TEAMS_ANONYMOUS": "true"})
    assert messenger is not None and messenger.platform == "teams"


async def test_digest_posts_a_new_message_in_the_channel(teams: Teams) -> None:
    await teams.post(teams.install_team(SVEN))
    ws, _ = _workspace_and_people(teams)
    before = len(teams.stub.calls)
    await _messenger(teams).post_channel(
        workspace=ws, channel_id="19:kc-channel@thread.tacv2", reply=Reply("Inför KC-mötet")
    )
    call = teams.stub.calls[before]
    assert call.path == "/v3/conversations/19:kc-channel@thread.tacv2/activities"
    assert call.body["text"] == "Inför KC-mötet"

    with pytest.raises(DeliveryError) as failure:
        await _messenger(teams).post_channel(workspace=ws, channel_id="19:other", reply=Reply("x"))
    assert failure.value.permanent


async def test_a_blocked_bot_is_permanent_and_an_outage_is_not(teams: Teams) -> None:
    await teams.post(teams.install_personal(SVEN))
    ws, people = _workspace_and_people(teams)
    teams.stub.fail_status = 403
    with pytest.raises(DeliveryError) as blocked:
        await _messenger(teams).send_dm(
            workspace=ws, person=people["Sven Svensson"], reply=Reply("x")
        )
    assert blocked.value.permanent
    teams.stub.fail_status = 503
    with pytest.raises(DeliveryError) as outage:
        await _messenger(teams).send_dm(
            workspace=ws, person=people["Sven Svensson"], reply=Reply("x")
        )
    assert not outage.value.permanent
    assert outage.value.retry_after is None
    # Throttled: Teams says when to come back, and the scheduler is told.
    teams.stub.fail_status, teams.stub.fail_headers = 429, {"Retry-After": "7"}
    with pytest.raises(DeliveryError) as throttled:
        await _messenger(teams).send_dm(
            workspace=ws, person=people["Sven Svensson"], reply=Reply("x")
        )
    assert not throttled.value.permanent and throttled.value.retry_after == 7.0


async def test_a_team_member_gets_a_new_personal_chat_opened(teams: Teams) -> None:
    # The app is in the KC team; Lisa wrote there but never installed it personally.
    await teams.post(teams.install_team(SVEN))
    await teams.post(
        teams.message(
            LISA,
            "<at>Mötesbot</at> action add Boka lokal @mig senast 2026-12-05",
            conversation=teams.channel(thread="1700000000555"),
            mentions=[BOT],
        )
    )
    ws, people = _workspace_and_people(teams)
    lisa = people["Lisa Andersson Lindberg"]
    with transaction(teams.engine) as session:
        assert unreachable_people(session, workspace=ws, people=[lisa]) == []
    before = len(teams.stub.calls)

    await _messenger(teams).send_dm(workspace=ws, person=lisa, reply=_morning_dm(teams))

    create, message = teams.stub.calls[before:]
    assert (create.method, create.path) == ("POST", "/v3/conversations")
    assert create.body["members"] == [{"id": LISA.account["id"]}]
    assert create.body["tenantId"] == TENANT and create.body["isGroup"] is False
    assert message.path.startswith("/v3/conversations/a:stub-conversation-")
    assert message.path.endswith("/activities")
    assert "#1 Boka lokal" in message.body["text"]

    # The new chat is stored: the next DM goes straight there.
    await _messenger(teams).send_dm(workspace=ws, person=lisa, reply=Reply("Igen"))
    again = teams.stub.calls[-1]
    assert again.path == message.path and again.body["text"] == "Igen"
