"""``motesbot teams …``: Teams administration commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.teams.config import CLIENT_ID_ENV, environment
from bot.teams.package import PackageError, build_package

teams_app = typer.Typer(help="Microsoft Teams: the app package.", no_args_is_help=True)


@teams_app.command("package")
def package(
    app_id: Annotated[str, typer.Option("--app-id", help="The Teams app id (a GUID).")],
    domain: Annotated[
        str, typer.Option("--domain", help="The bot's public host name, e.g. motesbot.kommun.se.")
    ],
    bot_id: Annotated[
        str | None,
        typer.Option(
            "--bot-id", help=f"The Azure bot's app id (default: {CLIENT_ID_ENV}, else --app-id)."
        ),
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="The zip to write.")] = Path(
        "motesbot-teams.zip"
    ),
    source: Annotated[
        Path | None, typer.Option(help="Folder with manifest.json and icons (default: teams/).")
    ] = None,
) -> None:
    """Build the app package (manifest.json, color.png, outline.png) for Teams admin upload."""
    bot = bot_id or environment().get(CLIENT_ID_ENV) or None
    try:
        path = build_package(app_id=app_id, bot_id=bot, domain=domain, output=output, source=source)
    except PackageError as err:
        Console(stderr=True).print(f"[red]{err}[/red]")
        raise typer.Exit(2) from err
    Console().print(
        f"Skrev {path} – ladda upp den i Teams administrationscenter (Appar → Ladda upp)."
    )
