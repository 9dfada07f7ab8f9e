"""Which Teams routes ``motesbot run`` mounts (see bot/server.py)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.teams.config import load_teams_config
from bot.web import RouteInstaller


def teams_installers(env: Mapping[str, str] | None = None) -> list[RouteInstaller]:
    """The Teams route installer when Teams is configured, else none.

    Raises:
        TeamsConfigError: contradictory or incomplete Teams settings.
    """
    config = load_teams_config(env)
    if config is None:
        return []
    # The SDK is heavy to import; only a process that serves Teams pays for it.
    from bot.teams.routes import teams_installer

    return [teams_installer(config)]
