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
    that has one.

    Args:
        settings: the configuration.
        engine: the database (Slack's installation store and Teams' conversation
            references live there).
        out: where the console prints.

    Raises:
        TeamsConfigError: contradictory Teams settings.
    """
    messengers: dict[str, Messenger] = {"console": ConsoleMessenger(out)}
    if settings.slack_configured:
        from bot.slack.messenger import slack_messenger_from_settings

        slack = slack_messenger_from_settings(settings, engine)
        if slack is not None:
            messengers["slack"] = slack
    from bot.teams.config import load_teams_config

    teams_config = load_teams_config()
    if teams_config is not None:
        # The Agents SDK is slow to import; only processes that serve Teams pay for it.
        from bot.teams.messenger import TeamsMessenger

        messengers["teams"] = TeamsMessenger.from_config(
            engine=engine, config=teams_config, clock=settings.now
        )
    return messengers
