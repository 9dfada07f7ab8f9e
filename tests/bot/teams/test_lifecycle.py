"""Removing the app in Teams deletes the stored conversation references; nothing is sent there."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.teams.config import load_teams_config
from bot.teams.messenger import TeamsMessenger
from scheduler.tick import run_tick
from storage.db import transaction
from storage.models import Action, ConversationRef, Delivery
from tests.bot.teams.conftest import BOT, LISA, SDK_WARNINGS, SVEN, TENANT, Teams

pytestmark = SDK_WARNINGS

# Thursday 3 December 2026, 08:00 in Stockholm; the action is due on Saturday the 5th.
MORNING = datetime(2026, 12, 3, 8, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def _refs(teams: Teams) -> list[tuple[str, str]]:
    with transaction(teams.engine) as session:
        return sorted((r.kind, r.key) for r in session.exec(select(ConversationRef)))


def _team_conversation() -> dict[str, Any]:
    return {
        "conversationType": "channel",
        "tenantId": TENANT,
        "isGroup": True,
        "id": "19:kc-team@thread.tacv2",
    }


async def _tick(teams: Teams) -> list[str]:
    config = load_teams_config({"TEAMS_ANONYMOUS": "true"})
    assert config is not None
    messenger = TeamsMessenger.from_config(engine=teams.engine, config=config)
    return [r.outcome for r in await run_tick(teams.engine, {"teams": messenger}, MORNING)]


async def test_personal_uninstall_forgets_the_chat_and_the_dm_fails_for_good(
    teams: Teams,
) -> None:
    await teams.post(teams.install_personal(SVEN))
    await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
    assert ("personal", SVEN.aad) in _refs(teams)

    status, _ = await teams.post(
        teams.activity("installationUpdate", SVEN, teams.personal(SVEN), action="remove")
    )

    assert status in (200, 202)
    # What is left (his Teams id, for a team the bot might share with him) opens no chat.
    assert [kind for kind, _ in _refs(teams)] == ["member"]
    before = len(teams.stub.calls)
    assert await _tick(teams) == ["failed"]
    assert teams.stub.calls[before:] == []
    with transaction(teams.engine) as session:
        [row] = session.exec(select(Delivery)).all()
        assert (row.status, row.attempts) == ("failed", 1)
        # The register stays.
        assert [a.text for a in session.exec(select(Action))] == ["Boka lokal"]


async def test_bot_removed_from_a_team_forgets_its_channels_and_members(teams: Teams) -> None:
    await teams.post(teams.install_team(SVEN))
    text = "<at>Mötesbot</at> action add Ring <at>Lisa Andersson Lindberg</at> senast fredag"
    await teams.post(
        teams.message(
            SVEN, text, conversation=teams.channel(thread="1700000000999"), mentions=[BOT, LISA]
        )
    )
    await teams.post(teams.install_personal(SVEN))
    kinds = [kind for kind, _ in _refs(teams)]
    assert kinds.count("channel") == 1 and "member" in kinds and "personal" in kinds

    # Someone else leaving the team changes nothing.
    await teams.post(
        teams.activity(
            "conversationUpdate", SVEN, _team_conversation(), membersRemoved=[LISA.account]
        )
    )
    assert [kind for kind, _ in _refs(teams)] == kinds

    # Teams names the team's General channel here, not the channel the bot was used in.
    status, _ = await teams.post(
        teams.activity(
            "conversationUpdate",
            SVEN,
            _team_conversation(),
            membersRemoved=[BOT],
            channelData={
                "tenant": {"id": TENANT},
                "eventType": "teamMemberRemoved",
                "team": {"id": "19:kc-team@thread.tacv2", "name": "Kommunchefer"},
                "channel": {"id": "19:kc-team@thread.tacv2", "name": "General"},
            },
        )
    )

    assert status in (200, 202)
    # Sven's own chat with the bot is not the team's: it stays.
    assert _refs(teams) == [("personal", SVEN.aad)]


async def test_app_removed_from_a_team_by_installation_update(teams: Teams) -> None:
    await teams.post(teams.install_team(SVEN))
    assert [kind for kind, _ in _refs(teams)] == ["channel"]

    await teams.post(
        teams.activity("installationUpdate", SVEN, _team_conversation(), action="remove")
    )

    assert _refs(teams) == []


async def test_bot_removed_from_a_group_chat(teams: Teams) -> None:
    chat = {"conversationType": "groupChat", "tenantId": TENANT, "id": "19:group-chat@thread.v2"}
    await teams.post(teams.activity("conversationUpdate", SVEN, chat, membersAdded=[BOT]))
    assert _refs(teams) == [("channel", "19:group-chat@thread.v2")]

    await teams.post(teams.activity("conversationUpdate", SVEN, chat, membersRemoved=[BOT]))

    assert _refs(teams) == []
