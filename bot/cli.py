"""The ``motesbot`` command line."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot import runtime, schedule_cli
from bot.console.adapter import run_shell
from bot.messengers import build_messengers
from bot.settings import load
from scheduler.runtime import start_in_thread
from storage import backup
from storage.db import transaction

app = typer.Typer(
    help="Mötesbot: actions and decisions of your meetings, in Slack, Teams or the terminal.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
err_console = Console(stderr=True)


def _engine(migrate: bool = True):  # type: ignore[no-untyped-def]
    settings = load()
    runtime.configure_logging(settings)
    try:
        return settings, runtime.open_database(settings, migrate=migrate)
    except runtime.StartupError as err:
        err_console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from err


@app.command()
def run() -> None:
    """Run the bot: Slack or Teams when configured, else the console on SQLite."""
    settings, engine = _engine()
    # The scheduler (morning DMs, digests) runs beside the console; see docs/scheduler.md.
    stop_scheduler = start_in_thread(
        engine, build_messengers(settings, engine, sys.stdout), settings.now
    )
    try:
        _console(engine, settings.now, user=None, channel="kc")
    finally:
        stop_scheduler()


def _console(engine, clock, *, user: str | None, channel: str) -> None:  # type: ignore[no-untyped-def]
    name = user or getpass.getuser().capitalize()
    interactive = sys.stdin.isatty()
    if interactive:
        Console().print(
            f"[bold]Mötesbot[/bold] – konsol. Du är [cyan]{name}[/cyan] i kanalen "
            f"[cyan]#{channel}[/cyan]. Skriv t.ex. [green]/action hjälp[/green]; avsluta med quit."
        )
    errors = run_shell(
        engine,
        sys.stdin,
        sys.stdout,
        user=name,
        channel=channel,
        clock=clock,
        prompt="motesbot> " if interactive else None,
    )
    if interactive:
        return
    if errors:
        err_console.print(f"{errors} kommando(n) gav fel.", style="yellow")


@app.command()
def shell(
    as_: Annotated[str | None, typer.Option("--as", help="Who you are (display name).")] = None,
    channel: Annotated[str, typer.Option(help="The channel you type in.")] = "kc",
) -> None:
    """Type commands in the terminal (or pipe them in), one per line."""
    settings, engine = _engine()
    _console(engine, settings.now, user=as_, channel=channel)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date."""
    _, engine = _engine()
    Console().print(f"Databasen är uppdaterad: {engine.url.render_as_string(hide_password=True)}")


@app.command()
def export(
    format_: Annotated[str, typer.Option("--format", "-f", help="json or csv")] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout).")
    ] = None,
) -> None:
    """Export everything as JSON (see docs/export-format.md) or the actions as CSV."""
    settings, engine = _engine()
    if format_ not in ("json", "csv"):
        err_console.print(f"Okänt format: {format_}. Välj json eller csv.")
        raise typer.Exit(2)
    with transaction(engine) as session:
        data = backup.export_data(session, exported_at=settings.now())
    text = (
        json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if format_ == "json"
        else backup.export_actions_csv(data)
    )
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"Skrev {output}")


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="JSON backups to restore.")],
) -> None:
    """Restore a JSON export into an empty database."""
    _, engine = _engine()
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            err_console.print(f"[red]Kan inte läsa {path}: {err}[/red]")
            raise typer.Exit(2) from err
        try:
            with transaction(engine) as session:
                counts = backup.restore_data(session, data)
        except backup.RestoreError as err:
            err_console.print(f"[red]{path}: {err}. Ingenting importerades.[/red]")
            raise typer.Exit(2) from err
        Console().print(f"{path}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


app.command()(schedule_cli.tick)
app.command()(schedule_cli.digest)


def main() -> None:
    """Entry point of the console script."""
    app()
