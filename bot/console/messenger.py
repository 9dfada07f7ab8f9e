"""The console's Messenger: prints scheduled messages and remembers what it sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from commands.reply import Reply
from storage.models import Person, Workspace

PLATFORM = "console"


@dataclass(frozen=True)
class Sent:
    """One message the console delivered: "dm" to a person or "channel" to a channel."""

    kind: str
    to: str
    reply: Reply


class ConsoleMessenger:
    """Prints DMs and channel posts to a stream, in the shell's plain-text style."""

    platform = PLATFORM
    # A terminal has no rate limit, and a reader wants the messages in order: the tick
    # sends them one by one and need not space two messages to one person.
    min_send_interval = 0.0
    in_order = True

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.sent: list[Sent] = []

    async def send_dm(self, *, workspace: Workspace, person: Person, reply: Reply) -> None:
        """Print a DM addressed to the person."""
        self._print("dm", person.display_name, f"[DM → {person.display_name}]", reply)

    async def post_channel(self, *, workspace: Workspace, channel_id: str, reply: Reply) -> None:
        """Print a post addressed to the channel."""
        self._print("channel", channel_id, f"[#{channel_id}]", reply)

    def _print(self, kind: str, to: str, label: str, reply: Reply) -> None:
        self.out.write(f"{label} {reply.as_text()}\n")
        self.out.flush()
        self.sent.append(Sent(kind, to, reply))
