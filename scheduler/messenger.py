"""The port the scheduler sends through; each adapter implements it."""

from __future__ import annotations

from typing import Protocol

from commands.reply import Reply
from storage.models import Person, Workspace


class DeliveryError(Exception):
    """A send failed; ``permanent`` says whether retrying can help.

    ``retry_after`` is the platform's own word on when to try again (an HTTP 429's
    Retry-After, in seconds): the tick holds further sends to that workspace for so
    long, and this message is not tried again sooner.
    """

    def __init__(
        self, message: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class Messenger(Protocol):
    """Sends neutral replies to a person (DM) or a channel on one platform.

    A messenger may have a ``min_send_interval`` attribute (seconds between two
    messages to one DM or channel; the tick uses 1 s when it has none, the console 0),
    and ``in_order = True`` to get its messages one by one in order (the console).
    """

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
