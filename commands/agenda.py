"""/agenda: propose items for the channel's next meeting."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlmodel import Session

from commands import format as fmt
from commands.channel import channel_series, next_meeting, running_meeting
from commands.context import Ctx, build_ctx
from commands.errors import CommandError
from commands.i18n import t
from commands.meeting import title_of
from commands.owners import resolve_all, split_owners
from commands.registry import subcommand
from commands.reply import Line, Reply
from commands.request import Request
from storage import meetings as repo
from storage.models import AgendaItem

log = logging.getLogger("motesbot.commands.agenda")
MAX_TITLE = 500


def _next_number(items: list[AgendaItem]) -> str:
    tops = [int(i.number.split(".")[0]) for i in items if i.number.split(".")[0].isdigit()]
    return str(max(tops, default=0) + 1)


@subcommand(
    "agenda",
    "add",
    words=("ny", "lägg", "föreslå", "new", "propose"),
)
def add(ctx: Ctx, text: str) -> Reply:
    """Add an item to the next meeting (or hold it for the series' next meeting)."""
    title, tokens = split_owners(text)
    if not title:
        raise CommandError("agenda_add_usage")
    if len(title) > MAX_TITLE:
        raise CommandError("too_long", max=MAX_TITLE)
    series = channel_series(ctx)
    if not series:
        raise CommandError("no_series")
    presenters = resolve_all(ctx, tokens)
    meeting = next_meeting(ctx)
    if meeting is not None:
        assert meeting.id is not None
        existing = repo.items_of(ctx.session, meeting_id=meeting.id)
        target = title_of(ctx, meeting)
        series_id = meeting.series_id
    else:
        assert series[0].id is not None
        existing = repo.pending_items(ctx.session, series_id=series[0].id)
        target = t(ctx.lang, "agenda_pending", series=series[0].name)
        series_id = series[0].id
    added = repo.add_item(
        ctx.session,
        workspace_id=ctx.ws_id,
        meeting_id=meeting.id if meeting else None,
        series_id=series_id,
        number=_next_number(existing),
        title=title,
        at=ctx.now,
        actor_id=ctx.caller_id,
        presenter_id=presenters[0].id if presenters else None,
        presenter_name=", ".join(p.display_name for p in presenters) or None,
    )
    return Reply(
        t(ctx.lang, "agenda_added", number=added.number, title=added.title, meeting=target),
        lang=ctx.lang,
    )


@subcommand(
    "agenda",
    "list",
    words=("lista", "visa", "ls", "show"),
    read_only=True,
)
def list_(ctx: Ctx, text: str) -> Reply:
    """Show the next meeting's agenda, or the items held for the series."""
    series = channel_series(ctx)
    if not series:
        raise CommandError("no_series")
    meeting = next_meeting(ctx)
    if meeting is not None:
        assert meeting.id is not None
        lines = fmt.agenda_lines(ctx.session, meeting.id, ctx.lang)
        headline = t(ctx.lang, "agenda_for", title=title_of(ctx, meeting))
    else:
        assert series[0].id is not None
        lines = [
            Line(fmt.item_text(i, ctx.lang))
            for i in repo.pending_items(ctx.session, series_id=series[0].id)
        ]
        headline = t(
            ctx.lang, "agenda_for", title=t(ctx.lang, "agenda_pending", series=series[0].name)
        )
    return Reply(headline, tuple(lines or [Line(t(ctx.lang, "agenda_empty"))]), lang=ctx.lang)


def choices(request: Request, *, engine: Engine) -> list[tuple[int, str]]:
    """The items of the channel's running meeting, else of its next one, as (id, label).

    What a form offers to file an action under (the Slack action modal). Read-only.

    Returns:
        An empty list when the channel has no meeting or the database fails (a form
        without the item field still works).
    """
    try:
        with Session(engine) as session:
            ctx = build_ctx(session, request)
            meeting = running_meeting(ctx) or next_meeting(ctx)
            if meeting is None or meeting.id is None:
                return []
            items = repo.items_of(ctx.session, meeting_id=meeting.id)
            return [(i.id, fmt.item_text(i, ctx.lang)) for i in items if i.id is not None]
    except Exception:
        log.warning("agenda choices unavailable", exc_info=True)
        return []
