"""A slash command as the adapter reads it: who typed which command where, and what it asks for.

The listener and the head start (:meth:`bot.slack.service.SlackService.head_start`) read a
payload through here, so both agree on what the command will do. :func:`team_of` and
:func:`user_of` read any payload (the listeners and the inbox use them too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.turn import Turn
from commands import registry

# Slack knows only registered commands (manifest.yml): the English ones and the Swedish
# names spelled a-z; registry.SLACK_COMMANDS says the same to the help texts.
SLASH_COMMANDS = (
    "/action",
    "/decision",
    "/meeting",
    "/agenda",
    "/beslut",
    "/dagordning",
    "/uppdrag",
    "/arbetsgrupp",
)

Body = dict[str, Any]


def team_of(body: Body) -> str:
    """The Slack team any payload came from (command, event, interaction, view)."""
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    view = body.get("view")
    return str(body.get("team_id") or (view.get("team_id") if isinstance(view, dict) else "") or "")


def user_of(body: Body) -> tuple[str, str]:
    """The acting user's id and the user name the payload gives."""
    user = body.get("user")
    if isinstance(user, dict):
        return str(user.get("id") or ""), str(user.get("username") or user.get("name") or "")
    return str(body.get("user_id") or ""), str(body.get("user_name") or "")


@dataclass(frozen=True)
class Slash:
    """One slash command payload, read.

    Attributes:
        turn: who, where, and how to answer.
        command: the command word without its slash ("action", "beslut").
        text: what was typed after it.
        trigger_id: Slack's trigger, which opens a modal.
    """

    turn: Turn
    command: str
    text: str
    trigger_id: str | None

    @property
    def opens_form(self) -> bool:
        """A bare ``/action`` opens the action form instead of running a command."""
        return (
            not self.text
            and registry.canonical_command(self.command) == "action"
            and bool(self.trigger_id)
        )


def read_slash(body: Body, client: AsyncWebClient) -> Slash:
    """Read a slash command payload (its processed-event key is ``cmd:`` and the trigger)."""
    user_id, user_name = user_of(body)
    trigger = body.get("trigger_id")
    turn = Turn(
        team_id=team_of(body),
        user_id=user_id,
        client=client,
        channel_id=body.get("channel_id"),
        user_name=user_name,
        response_url=body.get("response_url"),
        key=f"cmd:{trigger}" if trigger else None,
    )
    return Slash(
        turn=turn,
        command=str(body.get("command") or "").lstrip("/"),
        text=str(body.get("text") or "").strip(),
        trigger_id=str(trigger) if trigger else None,
    )
