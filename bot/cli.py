"""The ``motesbot`` command line."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from bot import minutes_cli, plan_cli, runtime, schedule_cli
from bot.console.adapter import run_shell
from bot.messengers import build_messengers
from bot.server import platforms_configured, run_server
from bot.settings import Settings, load
from bot.teams.cli import teams_app
from bot.teams.config import TeamsConfigError
from commands.context import Config
from commands.i18n import t, tn
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
app.add_typer(teams_app, name="teams")
err_console = Console(stderr=True)


def _engine(migrate: bool = True) -> tuple[Settings, Engine]:
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
    try:
        with_platforms = platforms_configured(settings)
    except TeamsConfigError as err:
        err_console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from err
    if with_platforms:
        run_server(settings, engine)
        return
    # The scheduler (morning DMs, digests) runs beside the console; see docs/scheduler.md.
    stop_scheduler = start_in_thread(
        engine,
        build_messengers(settings, engine, sys.stdout),
        settings.now,
        reconcile_every=settings.motesbot_reconcile_seconds,
        follower_retry=settings.motesbot_follower_retry_seconds,
        debounce=settings.motesbot_replan_debounce_seconds,
        send_concurrency=settings.motesbot_send_concurrency,
    )
    try:
        _console(engine, settings.now, user=None, channel="kc", config=_config(settings))
    finally:
        stop_scheduler()


def _console(
    engine: Engine,
    clock: Callable[[], datetime],
    *,
    user: str | None,
    channel: str,
    config: Config | None = None,
) -> None:
    name = user or getpass.getuser().capitalize()
    interactive = sys.stdin.isatty()
    banner = t("sv", "console_banner", name=name, channel=channel)
    # Piped input still learns who it runs as, on stderr so the replies on stdout stay clean.
    (Console() if interactive else err_console).print(
        banner, highlight=False, markup=False, soft_wrap=True
    )
    errors = run_shell(
        engine,
        _interactive_lines() if interactive else sys.stdin,
        sys.stdout,
        user=name,
        channel=channel,
        clock=clock,
        prompt=None,
        config=config,
    )
    if interactive:
        return
    if errors:
        # A script piping commands in must notice that one of them failed.
        err_console.print(tn("sv", "console_errors", errors), style="yellow", highlight=False)
        raise typer.Exit(1)


def _config(settings: Settings) -> Config:
    return Config(public_url=settings.public_url)


def _interactive_lines() -> Iterator[str]:
    """Lines typed at a prompt, with line editing and history."""
    import readline  # noqa: F401  (enables editing and history for input())

    while True:
        try:
            yield input("motesbot> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return


@app.command()
def shell(
    as_: Annotated[str | None, typer.Option("--as", help="Who you are (display name).")] = None,
    channel: Annotated[str, typer.Option(help="The channel you type in.")] = "kc",
) -> None:
    """Type commands in the terminal (or pipe them in), one per line."""
    settings, engine = _engine()
    _console(engine, settings.now, user=as_, channel=channel, config=_config(settings))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date."""
    _, engine = _engine()
    Console().print(f"Databasen är uppdaterad: {engine.url.render_as_string(hide_password=True)}")


@app.command()
def export(
    format_: Annotated[str, typer.Option("--format", "-f", help="json, csv, md or docx")] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout).")
    ] = None,
    meeting: Annotated[
        int | None, typer.Option("--meeting", help="The meeting whose minutes md/docx show.")
    ] = None,
) -> None:
    """Export everything as JSON (see docs/export-format.md), the actions as CSV, or one
    meeting's minutes as Markdown or Word (see docs/minutes.md)."""
    settings, engine = _engine()
    if format_ in ("md", "docx"):
        if meeting is None:
            err_console.print(f"--format {format_} kräver --meeting <id>.")
            raise typer.Exit(2)
        try:
            data, name = minutes_cli.export_minutes(engine, meeting_id=meeting, fmt=format_)
        except minutes_cli.CliProblem as err:
            err_console.print(f"[red]{err}[/red]")
            raise typer.Exit(2) from err
        if output is None and format_ == "md":
            sys.stdout.write(data.decode("utf-8"))
            return
        target = output or Path(name)
        target.write_bytes(data)
        err_console.print(f"Skrev {target}")
        return
    if format_ not in ("json", "csv"):
        err_console.print(f"Okänt format: {format_}. Välj json, csv, md eller docx.")
        raise typer.Exit(2)
    with transaction(engine) as session:
        data_doc = backup.export_data(session, exported_at=settings.now())
    text = (
        json.dumps(data_doc, ensure_ascii=False, indent=2) + "\n"
        if format_ == "json"
        else backup.export_actions_csv(data_doc)
    )
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"Skrev {output}")


@app.command("import")
def import_(
    files: Annotated[
        list[Path], typer.Argument(help="JSON backups, or minutes exported from the old tool.")
    ],
    series: Annotated[
        str | None, typer.Option("--series", help="Meeting series for minutes (default KC-möte).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; store nothing.")
    ] = False,
    workspace: Annotated[
        str | None, typer.Option("--workspace", help="PLATFORM:ID when there are several.")
    ] = None,
    plan: Annotated[
        bool, typer.Option("--plan", help="A verksamhetsplan: its UPPDRAG/ANSVARIG tables.")
    ] = False,
) -> None:
    """Restore a JSON export into an empty database, or import minutes text or a plan's
    assignments (idempotent)."""
    settings, engine = _engine()
    try:
        if plan:
            failures = plan_cli.run_plan_import(
                engine,
                files,
                dry_run=dry_run,
                workspace=workspace,
                at=settings.now(),
                out=Console(),
            )
        else:
            failures = minutes_cli.run_import(
                engine,
                files,
                series=series,
                dry_run=dry_run,
                workspace=workspace,
                at=settings.now(),
                out=Console(),
            )
    except minutes_cli.CliProblem as err:
        err_console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from err
    if failures:
        raise typer.Exit(2)


app.command()(schedule_cli.tick)
app.command()(schedule_cli.digest)


def main() -> None:
    """Entry point of the console script."""
    app()
