"""Which Messenger carries a workspace's scheduled messages: one per platform."""

from __future__ import annotations

from typing import TextIO

from sqlalchemy.engine import Engine

from bot.console.messenger import ConsoleMessenger
from bot.settings import Settings
from scheduler.messenger import Messenger


def build_messengers(settings: Settings, engine: Engine, out: TextIO) -> dict[str, Messenger]:
    """Return platform → messenger for every platform this process can reach.

    A workspace's messages go to the messenger of its ``platform``; a workspace
    whose platform has none here is left unsent (and unclaimed) for a process
    that has one. Slack and Teams messengers are added here by their adapters.

    Args:
        settings: the configuration.
        engine: the database (Teams keeps conversation references there).
        out: where the console prints.
    """
    return {"console": ConsoleMessenger(out)}
