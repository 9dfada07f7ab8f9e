"""The port the scheduler sends through; each adapter implements it."""

from __future__ import annotations

from typing import Protocol

from commands.reply import Reply
from storage.models import Person, Workspace


class DeliveryError(Exception):
    """A send failed; ``permanent`` says whether retrying can help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Messenger(Protocol):
    """Sends neutral replies to a person (DM) or a channel on one platform."""

    platform: str

    async def send_dm(self, *, workspace: Workspace, person: Person, reply: Reply) -> None:
        """Send a direct message to a person.

        Raises:
            DeliveryError: the message was not delivered.
        """

    async def post_channel(self, *, workspace: Workspace, channel_id: str, reply: Reply) -> None:
        """Post a message to a channel.

        Raises:
            DeliveryError: the message was not delivered.
        """
