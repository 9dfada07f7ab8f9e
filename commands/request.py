"""The platform-neutral request every adapter builds from its payload."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from commands.forms import ActionForm


@dataclass(frozen=True)
class UserRef:
    """A chat user as the platform describes them."""

    platform_id: str | None
    name: str
    timezone: str | None = None
    locale: str | None = None
    email: str | None = None
    # The platform's profile API answered just now: the pipeline stamps the stored copy fresh.
    fetched: bool = False


@dataclass(frozen=True)
class Request:
    """One command from one user.

    Attributes:
        platform: "console", "slack" or "teams".
        workspace: the platform's workspace id (Slack team, Teams tenant, "console").
        user: who sent it.
        channel: the channel or conversation it came from.
        command: the top-level command word ("action", "åtgärd", "meeting", ...).
        text: everything after the command word.
        now: the injected clock reading, timezone-aware.
        mentions: profiles of the ``<@ID>`` mentions in the text, resolved by the adapter.
        idempotency_key: a platform delivery id; a second request with it changes nothing.
        lang: a language forced by the adapter ("sv"/"en"); else the user's locale decides.
        private: a one-to-one conversation between the user and the bot (Teams personal
            chat, Slack DM): an action logged there without an owner is the user's own.
        form: what a form (Slack modal, Teams card) collected, as the subcommand's structured
            input; the subcommand named by ``text`` reads it instead of parsing a line.
        inbox_id: the durable inbox row this request came from; it is marked done in
            the transaction of the change, with the answer.
    """

    platform: str
    workspace: str
    user: UserRef
    channel: str | None
    command: str
    text: str
    now: datetime
    mentions: Mapping[str, UserRef] = field(default_factory=dict)
    idempotency_key: str | None = None
    lang: str | None = None
    private: bool = False
    form: ActionForm | None = None
    inbox_id: int | None = None
