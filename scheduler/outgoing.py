"""What the scheduler wants to send: one message, its delivery key and its window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from commands.reply import Reply
from storage.models import Person, Workspace

MORNING_DM = "morning_dm"
DIGEST = "digest"
DIGEST_MORNING = "digest_morning"
STATUS_REQUEST = "status_request"


@dataclass(frozen=True)
class Outgoing:
    """A message that is due: where it goes, what it says, and its delivery key.

    Attributes:
        kind: one of the kinds above.
        recipient: "person:<id>" or "channel:<workspace id>:<channel id>".
        occasion: what makes it unique in time ("2026-12-08", "meeting:5@20261210T0730Z").
        workspace: the workspace it belongs to (its platform picks the messenger).
        content: the neutral message, or a function that renders it when first needed
            (morning DMs: a tick renders only the ones it actually sends).
        due_at: when it was meant to go out.
        expires_at: after this it is stale and is not sent at all.
        person: the recipient of a DM.
        channel_id: the channel of a post.
    """

    kind: str
    recipient: str
    occasion: str
    workspace: Workspace
    content: Reply | Callable[[], Reply]
    due_at: datetime
    expires_at: datetime
    person: Person | None = None
    channel_id: str | None = None

    @cached_property
    def reply(self) -> Reply:
        """The message, rendered on first use."""
        return self.content if isinstance(self.content, Reply) else self.content()

    def forget_reply(self) -> None:
        """Drop the rendered message (rendered again if asked).

        A morning's fan-out would otherwise keep every rendered DM alive until the
        tick ends, and the garbage collector's full passes over them pause the loop.
        """
        self.__dict__.pop("reply", None)

    @property
    def key(self) -> tuple[str, str, str]:
        """The delivery key (unique in the ``delivery`` table)."""
        return (self.kind, self.recipient, self.occasion)


def person_recipient(person_id: int) -> str:
    """The recipient string of a person."""
    return f"person:{person_id}"


def channel_recipient(workspace_id: int, channel_id: str) -> str:
    """The recipient string of a channel."""
    return f"channel:{workspace_id}:{channel_id}"


def meeting_occasion(meeting_id: int, starts_at: datetime) -> str:
    """A meeting occasion; a moved meeting is a new occasion and is announced again."""
    return f"meeting:{meeting_id}@{starts_at.astimezone(UTC):%Y%m%dT%H%MZ}"
