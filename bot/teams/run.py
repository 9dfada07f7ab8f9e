"""``motesbot run`` with Teams: the web app with /api/messages until the process is stopped."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Mapping

from rich.console import Console
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.teams.config import TeamsConfigError, load_teams_config
from bot.web import RouteInstaller, create_app, serve


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


async def _until_stopped() -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def serve_forever(settings: Settings, engine: Engine, installers: list[RouteInstaller]) -> None:
    """Serve the web app with these platforms until SIGINT/SIGTERM."""

    async def main() -> None:
        app = create_app(settings, engine, installers)
        await serve(app, host=settings.host, port=settings.port, stop=_until_stopped())

    asyncio.run(main())


def run_if_configured(settings: Settings, engine: Engine) -> bool:
    """Serve Teams when it is configured; False (nothing done) when it is not.

    A contradictory configuration stops the process with a clear message (exit 2).
    """
    try:
        installers = teams_installers()
    except TeamsConfigError as err:
        Console(stderr=True).print(f"[red]{err}[/red]")
        sys.exit(2)
    if not installers:
        return False
    Console(stderr=True).print(
        f"Mötesbot – Teams på http://{settings.host}:{settings.port}/api/messages"
    )
    serve_forever(settings, engine, installers)
    return True
