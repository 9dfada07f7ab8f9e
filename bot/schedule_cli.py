"""``motesbot tick`` and ``motesbot digest``: the scheduler from the command line."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import runtime
from bot.messengers import build_messengers
from bot.settings import Settings, load
from commands.i18n import t, tn
from scheduler.delivery import FAILED
from scheduler.digest import digest_reply
from scheduler.outgoing import Outgoing, channel_recipient
from scheduler.tick import DRY_RUN, NO_MESSENGER, SENT, deliver, node_id, run_tick
from storage.db import transaction
from storage.models import Meeting, MeetingSeries, MeetingStatus, Workspace

err = Console(stderr=True)


def _open() -> tuple[Settings, Engine]:
    settings = load()
    runtime.configure_logging(settings)
    try:
        return settings, runtime.open_database(settings)
    except runtime.StartupError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error


def _parse_at(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        err.print(f"Okänd tidpunkt: {text}. Skriv t.ex. 2026-12-08T08:00+01:00.")
        raise typer.Exit(2) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def tick(
    at: Annotated[
        str | None, typer.Option("--at", help="The instant, e.g. 2026-12-08T08:00+01:00.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would go.")] = False,
) -> None:
    """Send everything due at an instant (default: now) exactly once, and list it."""
    settings, engine = _open()
    now = _parse_at(at) if at else settings.now()
    messengers = build_messengers(settings, engine, sys.stdout)
    reports = asyncio.run(
        run_tick(
            engine,
            messengers,
            now,
            dry_run=dry_run,
            concurrency=settings.motesbot_send_concurrency,
        )
    )
    out = Console()
    for report in reports:
        if report.outcome == DRY_RUN:
            _print_outgoing(report.outgoing, prefix="(skulle skickas) ")
        elif report.outcome == SENT and report.outgoing.workspace.platform != "console":
            # The console messenger printed its own; say what went to the chat services too.
            platform = report.outgoing.workspace.platform
            _print_outgoing(report.outgoing, prefix=f"(skickat via {platform}) ")
    sent = sum(r.outcome == SENT for r in reports)
    would = sum(r.outcome == DRY_RUN for r in reports)
    missing = sum(r.outcome == NO_MESSENGER for r in reports)
    for_good = sum(r.outcome == FAILED for r in reports)
    failed = len(reports) - sent - would - missing - for_good
    key = "tick_would_send" if dry_run else "tick_sent"
    summary = f"{now.isoformat()}: " + tn("sv", key, would if dry_run else sent)
    if failed:
        summary += ", " + tn("sv", "tick_failed", failed)
    if for_good:
        summary += ", " + tn("sv", "tick_failed_for_good", for_good)
    if missing:
        summary += ", " + tn("sv", "tick_no_platform", missing)
    out.print(summary, highlight=False)


def _print_outgoing(outgoing: Outgoing, *, prefix: str = "") -> None:
    if outgoing.person is not None:
        label = f"[DM → {outgoing.person.display_name}]"
    else:
        label = f"[#{outgoing.channel_id}]"
    sys.stdout.write(f"{prefix}{label} {outgoing.reply.as_text()}\n")


def find_meeting(session: Session, target: str, now: datetime) -> Meeting | None:
    """A meeting by id, else the next planned meeting of the series with that name."""
    if target.isdigit():
        return session.get(Meeting, int(target))
    wanted = target.casefold()
    for series in session.exec(select(MeetingSeries)):
        if series.name.casefold() != wanted:
            continue
        stmt = (
            select(Meeting)
            .where(
                Meeting.series_id == series.id,
                Meeting.status == MeetingStatus.PLANNED,
                col(Meeting.starts_at) > now,
            )
            .order_by(col(Meeting.starts_at))
        )
        found = session.exec(stmt).first()
        if found is not None:
            return found
    return None


def digest(
    target: Annotated[
        str, typer.Argument(help="A series name (its next meeting) or a meeting id.")
    ],
    post: Annotated[bool, typer.Option("--post", help="Post it to the channel now.")] = False,
) -> None:
    """Print a meeting's digest as it would be posted; --post posts it now."""
    settings, engine = _open()
    now = settings.now()
    with transaction(engine) as session:
        meeting = find_meeting(session, target, now)
        if meeting is None or meeting.id is None:
            err.print(t("sv", "digest_not_found", name=target))
            raise typer.Exit(1)
        reply = digest_reply(session, meeting, now=now)
        series = session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None
        ws = session.get(Workspace, meeting.workspace_id)
    if not post:
        sys.stdout.write(reply.as_text() + "\n")
        return
    if ws is None or ws.id is None or series is None or not series.channel_id:
        err.print("Mötet har ingen kanal att posta i.")
        raise typer.Exit(1)
    outgoing = Outgoing(
        kind="digest_manual",
        recipient=channel_recipient(ws.id, series.channel_id),
        occasion=f"meeting:{meeting.id}@manual:{now.astimezone(UTC):%Y%m%dT%H%M%S}",
        workspace=ws,
        content=reply,
        due_at=now,
        expires_at=meeting.starts_at,
        channel_id=series.channel_id,
    )
    messengers = build_messengers(settings, engine, sys.stdout)
    report = asyncio.run(deliver(engine, messengers, outgoing, now=now, node=node_id()))
    if report is None or report.outcome != SENT:
        err.print(f"Sammanfattningen postades inte: {report.error if report else 'redan postad'}")
        raise typer.Exit(1)
