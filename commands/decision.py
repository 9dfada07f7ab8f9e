"""/decision: record, list, search and show decisions."""

from __future__ import annotations

from commands import format as fmt
from commands.channel import parse_number, running_meeting, series_ids, visibility
from commands.context import Ctx
from commands.dates import format_date
from commands.errors import CommandError
from commands.i18n import t
from commands.meeting import title_of
from commands.minutes import link_text
from commands.registry import subcommand
from commands.reply import Line, Reply
from storage import decisions as repo
from storage import meetings as meeting_repo
from storage import people
from storage.models import Decision, Meeting, MeetingSeries, MeetingStatus

MAX_DECISION_TEXT = 4000


def held_today(ctx: Ctx) -> Meeting | None:
    """The channel's meeting of today that has ended or is still to start, if any."""
    for meeting in meeting_repo.meetings_of_series(
        ctx.session,
        series_ids=series_ids(ctx),
        statuses=(MeetingStatus.ENDED.value, MeetingStatus.PLANNED.value),
    ):
        series = ctx.session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None
        if fmt.local_date(meeting.starts_at, ctx.series_tz(series)) == ctx.today:
            return meeting
    return None


def _where(ctx: Ctx, decision: Decision) -> str:
    where = fmt.where_text(ctx.session, decision.meeting_id, decision.item_id, ctx.lang, ctx.tz)
    return where + link_text(ctx, decision)


@subcommand(
    "decision",
    "add",
    words=("ny", "new", "lägg", "lägg till", "lagg till", "registrera"),
)
def add(ctx: Ctx, text: str) -> Reply:
    """Record a decision."""
    body = " ".join(text.split())
    if not body:
        raise CommandError("decision_usage")
    if len(body) > MAX_DECISION_TEXT:
        raise CommandError("too_long", max=MAX_DECISION_TEXT)
    meeting = running_meeting(ctx)
    running = meeting is not None
    if meeting is None:
        meeting = held_today(ctx)
    decision = repo.create_decision(
        ctx.session,
        workspace_id=ctx.ws_id,
        text=body,
        at=ctx.now,
        recorded_by_id=ctx.caller_id,
        meeting_id=meeting.id if meeting else None,
        item_id=meeting.current_item_id if running and meeting else None,
    )
    lines = [Line(fmt.decision_text(decision, ctx.lang, _where(ctx, decision)))]
    if not running:
        # Without a running meeting it is not obvious where the decision went: say so.
        lines.append(
            Line(
                t(ctx.lang, "decision_attached_today", title=title_of(ctx, meeting))
                if meeting
                else t(ctx.lang, "decision_attached_none")
            )
        )
    return Reply(
        t(ctx.lang, "decision_added", number=decision.number),
        tuple(lines),
        visibility=visibility(ctx),
        lang=ctx.lang,
    )


@subcommand(
    "decision",
    "list",
    words=("lista", "ls"),
    read_only=True,
)
def list_(ctx: Ctx, text: str) -> Reply:
    """List the latest decisions."""
    found = repo.list_decisions(ctx.session, workspace_id=ctx.ws_id, limit=20)
    if not found:
        return Reply(
            t(ctx.lang, "decision_list"), (Line(t(ctx.lang, "decision_list_empty")),), lang=ctx.lang
        )
    lines = tuple(Line(fmt.decision_text(d, ctx.lang, _where(ctx, d))) for d in found)
    return Reply(t(ctx.lang, "decision_list"), lines, lang=ctx.lang)


@subcommand(
    "decision",
    "search",
    words=("sök", "sok", "find", "hitta"),
    read_only=True,
)
def search(ctx: Ctx, text: str) -> Reply:
    """Find decisions containing every word."""
    words = text.split()
    if not words:
        raise CommandError("search_usage")
    found = repo.search_decisions(ctx.session, workspace_id=ctx.ws_id, words=words)
    query = " ".join(words)[:80]
    if not found:
        return Reply(
            t(ctx.lang, "decision_search", words=query),
            (Line(t(ctx.lang, "decision_search_empty", words=query)),),
            lang=ctx.lang,
        )
    lines = tuple(Line(fmt.decision_text(d, ctx.lang, _where(ctx, d))) for d in found)
    return Reply(t(ctx.lang, "decision_search", words=query), lines, lang=ctx.lang)


@subcommand(
    "decision",
    "show",
    words=("visa", "view"),
    read_only=True,
)
def show(ctx: Ctx, text: str) -> Reply:
    """Show one decision with where and by whom it was recorded."""
    number = parse_number(text.split()[0]) if text.split() else None
    if number is None:
        raise CommandError("decision_need_id")
    decision = repo.get_decision(ctx.session, workspace_id=ctx.ws_id, number=number)
    if decision is None:
        raise CommandError("decision_not_found", number=number)
    who = people.get_person(
        ctx.session, workspace_id=ctx.ws_id, person_id=decision.recorded_by_id or 0
    )
    lines = (
        Line(fmt.decision_text(decision, ctx.lang, _where(ctx, decision))),
        Line(
            t(
                ctx.lang,
                "recorded_by",
                date=format_date(decision.recorded_at.astimezone(ctx.tz).date(), ctx.lang),
                name=who.display_name if who else t(ctx.lang, "someone"),
            )
        ),
    )
    return Reply(t(ctx.lang, "decision_show", number=decision.number), lines, lang=ctx.lang)
