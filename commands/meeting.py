"""/meeting: plan, run and end meetings; set the current agenda item."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from commands import format as fmt
from commands.channel import channel_series, date_error, next_meeting, running_meeting, series_ids
from commands.context import Ctx
from commands.dates import DateError, format_date, parse_date, parse_time_span
from commands.errors import CommandError
from commands.i18n import t
from commands.owners import resolve_all, split_owners
from commands.registry import subcommand
from commands.reply import Line, Reply, Visibility
from storage import actions as action_repo
from storage import decisions as decision_repo
from storage import meetings as repo
from storage.models import ActionStatus, AgendaItem, Meeting, MeetingSeries, MeetingStatus

ITEM_NUMBER_RE = re.compile(r"^\d{1,3}(\.\d{1,3}){0,2}\.?$")
DEFAULT_START = time(9, 0)


def series_of(ctx: Ctx, meeting: Meeting) -> MeetingSeries | None:
    """The series a meeting belongs to."""
    return ctx.session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None


def title_of(ctx: Ctx, meeting: Meeting) -> str:
    """A meeting's one-line title in its series' zone."""
    series = series_of(ctx, meeting)
    return fmt.meeting_title(meeting, series, ctx.lang, ctx.series_tz(series))


def _find_date(ctx: Ctx, words: list[str]) -> tuple[int, int, date] | None:
    """Find the first run of words that reads as a date: (start, end, date)."""
    for i in range(len(words)):
        for k in (4, 3, 2, 1):
            if i + k > len(words):
                continue
            try:
                return i, i + k, parse_date(" ".join(words[i : i + k]), today=ctx.today)
            except DateError as err:
                if err.code == "invalid" and k == 1:
                    raise date_error(err) from err
    return None


def _find_span(words: list[str]) -> tuple[int, tuple[time, time] | None]:
    """Read an optional time span at the start of words; return words used and the span."""
    for k in (3, 2, 1):
        if len(words) >= k:
            try:
                return k, parse_time_span(" ".join(words[:k]))
            except DateError:
                continue
    return 0, None


@subcommand(
    "meeting",
    "new",
    words=("ny", "nytt", "skapa", "planera", "create"),
)
def new(ctx: Ctx, text: str) -> Reply:
    """Plan a meeting of a series (created and bound to the channel if new)."""
    words = text.split()
    found = _find_date(ctx, words)
    if found is None:
        raise CommandError("meeting_new_usage")
    start_i, end_i, day = found
    name = " ".join(words[:start_i]).strip('"“”')
    if not name:
        existing = channel_series(ctx)
        if not existing:
            raise CommandError("meeting_new_usage")
        name = existing[0].name
    used, span = _find_span(words[end_i:])
    place = " ".join(words[end_i + used :]) or None
    series = repo.get_or_create_series(
        ctx.session,
        workspace_id=ctx.ws_id,
        name=name,
        channel_id=ctx.request.channel,
        at=ctx.now,
        actor_id=ctx.caller_id,
        timezone=ctx.workspace.timezone,
    )
    tz = ctx.series_tz(series)
    if span is not None and series.start_time is None:
        series.start_time, series.end_time = span
    if place and not series.place:
        series.place = place
    ctx.session.add(series)
    start_t, end_t = span if span else (series.start_time or DEFAULT_START, series.end_time)
    starts_at = datetime.combine(day, start_t, tz)
    if day < ctx.today:
        raise CommandError("meeting_in_past", date=format_date(day, ctx.lang))
    assert series.id is not None
    for other in repo.meetings_of_series(ctx.session, series_ids=[series.id]):
        if (
            other.status != MeetingStatus.CANCELLED.value
            and fmt.local_date(other.starts_at, tz) == day
        ):
            raise CommandError(
                "meeting_exists", series=series.name, date=format_date(day, ctx.lang)
            )
    meeting = repo.create_meeting(
        ctx.session,
        workspace_id=ctx.ws_id,
        series_id=series.id,
        starts_at=starts_at,
        ends_at=datetime.combine(day, end_t, tz) if end_t else None,
        place=place or series.place,
        at=ctx.now,
        actor_id=ctx.caller_id,
    )
    assert meeting.id is not None
    lines = fmt.agenda_lines(ctx.session, meeting.id, ctx.lang)
    return Reply(
        t(ctx.lang, "meeting_created", title=title_of(ctx, meeting)), tuple(lines), lang=ctx.lang
    )


def _meeting_to_start(ctx: Ctx) -> Meeting | None:
    planned = repo.meetings_of_series(
        ctx.session, series_ids=series_ids(ctx), statuses=(MeetingStatus.PLANNED.value,)
    )
    if not planned:
        return None

    def day(m: Meeting) -> date:
        return fmt.local_date(m.starts_at, ctx.series_tz(series_of(ctx, m)))

    today = [m for m in planned if day(m) == ctx.today]
    if today:
        return today[0]
    upcoming = [m for m in planned if day(m) > ctx.today]
    return upcoming[0] if upcoming else planned[-1]


@subcommand(
    "meeting",
    "start",
    words=("starta", "börja", "begin", "open"),
)
def start(ctx: Ctx, text: str) -> Reply:
    """Start today's (or the next) planned meeting of the channel."""
    running = running_meeting(ctx)
    if running is not None:
        return Reply(
            t(ctx.lang, "meeting_already_running", title=title_of(ctx, running)), lang=ctx.lang
        )
    meeting = _meeting_to_start(ctx)
    if meeting is None:
        raise CommandError("no_planned_meeting")
    repo.set_status(
        ctx.session,
        meeting=meeting,
        status=MeetingStatus.RUNNING.value,
        actor_id=ctx.caller_id,
        at=ctx.now,
    )
    assert meeting.id is not None
    lines = fmt.agenda_lines(ctx.session, meeting.id, ctx.lang)
    return Reply(
        t(ctx.lang, "meeting_started", title=title_of(ctx, meeting)),
        tuple(lines),
        visibility=Visibility.CHANNEL,
        lang=ctx.lang,
    )


@subcommand(
    "meeting",
    "item",
    words=("punkt", "ärende", "arende", "point"),
)
def item(ctx: Ctx, text: str) -> Reply:
    """Set the running meeting's current item, or add an item to the next meeting."""
    number, _, rest = text.strip().partition(" ")
    if not number:
        raise CommandError("item_usage")
    if not ITEM_NUMBER_RE.match(number):
        raise CommandError("item_bad_number", number=number[:20])
    number = number.rstrip(".")
    title, tokens = split_owners(rest)
    running = running_meeting(ctx)
    meeting = running or next_meeting(ctx)
    if meeting is None:
        raise CommandError("no_planned_meeting")
    assert meeting.id is not None
    existing = repo.find_item(ctx.session, meeting_id=meeting.id, number=number)
    if existing is None:
        if not title:
            raise CommandError("item_not_found_need_title", number=number)
        presenters = resolve_all(ctx, tokens)
        existing = repo.add_item(
            ctx.session,
            workspace_id=ctx.ws_id,
            meeting_id=meeting.id,
            series_id=meeting.series_id,
            number=number,
            title=title,
            at=ctx.now,
            actor_id=ctx.caller_id,
            presenter_id=presenters[0].id if presenters else None,
            presenter_name=", ".join(p.display_name for p in presenters) or None,
        )
    if running is None:
        return Reply(
            t(
                ctx.lang,
                "item_added",
                number=existing.number,
                title=existing.title,
                meeting=title_of(ctx, meeting),
            ),
            lang=ctx.lang,
        )
    repo.set_current_item(
        ctx.session, meeting=running, item_id=existing.id, actor_id=ctx.caller_id, at=ctx.now
    )
    return Reply(
        t(ctx.lang, "item_current", number=existing.number, title=existing.title),
        visibility=Visibility.CHANNEL,
        lang=ctx.lang,
    )


def summary_lines(ctx: Ctx, meeting: Meeting) -> list[Line]:
    """The decisions and actions of a meeting, by item."""
    assert meeting.id is not None
    items = repo.items_of(ctx.session, meeting_id=meeting.id)
    decisions = decision_repo.list_decisions(
        ctx.session, workspace_id=ctx.ws_id, meeting_id=meeting.id, limit=1000
    )
    actions = action_repo.list_actions(
        ctx.session,
        workspace_id=ctx.ws_id,
        meeting_id=meeting.id,
        statuses=tuple(s.value for s in ActionStatus),
        history=None,  # the record of the meeting: imported history too
        limit=1000,
    )
    groups: list[tuple[AgendaItem | None, int | None]] = [(i, i.id) for i in items]
    groups.append((None, None))
    lines: list[Line] = []
    for group_item, item_id in groups:
        ds = [d for d in decisions if d.item_id == item_id]
        acts = sorted((a for a in actions if a.item_id == item_id), key=lambda a: a.number)
        if not ds and not acts:
            continue
        heading = fmt.item_text(group_item, ctx.lang) if group_item else t(ctx.lang, "no_item")
        lines.append(Line(heading, heading=True))
        for d in ds:
            lines.append(
                Line(f"{t(ctx.lang, 'summary_decisions')}: {fmt.decision_text(d, ctx.lang)}")
            )
        lines.extend(fmt.action_lines(ctx.session, acts, ctx.lang, ctx.today, with_buttons=False))
    return lines


@subcommand(
    "meeting",
    "end",
    words=("avsluta", "slut", "stop", "close"),
)
def end(ctx: Ctx, text: str) -> Reply:
    """End the running meeting and summarise it."""
    meeting = running_meeting(ctx)
    if meeting is None:
        raise CommandError("no_running_meeting")
    repo.set_status(
        ctx.session,
        meeting=meeting,
        status=MeetingStatus.ENDED.value,
        actor_id=ctx.caller_id,
        at=ctx.now,
    )
    repo.set_current_item(
        ctx.session, meeting=meeting, item_id=None, actor_id=ctx.caller_id, at=ctx.now
    )
    lines = summary_lines(ctx, meeting) or [Line(t(ctx.lang, "summary_none"))]
    return Reply(
        t(ctx.lang, "meeting_ended", title=title_of(ctx, meeting)),
        tuple(lines),
        visibility=Visibility.CHANNEL,
        lang=ctx.lang,
    )


def _describe(ctx: Ctx, meeting: Meeting, headline: str) -> Reply:
    assert meeting.id is not None
    status = t(
        ctx.lang,
        "status_meeting_cancelled" if meeting.status == "cancelled" else f"status_{meeting.status}",
    )
    lines = [Line(f"{t(ctx.lang, 'agenda')} ({status})", heading=True)]
    agenda = fmt.agenda_lines(ctx.session, meeting.id, ctx.lang)
    lines.extend(agenda or [Line(t(ctx.lang, "agenda_empty"))])
    if meeting.status != MeetingStatus.PLANNED.value:
        lines.extend(summary_lines(ctx, meeting))
    return Reply(headline, tuple(lines), lang=ctx.lang)


@subcommand(
    "meeting",
    "show",
    words=("visa", "view"),
)
def show(ctx: Ctx, text: str) -> Reply:
    """Show the running meeting, else the next, else the latest."""
    meeting = running_meeting(ctx) or next_meeting(ctx)
    if meeting is None:
        every = repo.meetings_of_series(ctx.session, series_ids=series_ids(ctx))
        if not every:
            raise CommandError("no_meetings")
        meeting = every[-1]
    return _describe(ctx, meeting, title_of(ctx, meeting))


@subcommand(
    "meeting",
    "next",
    words=("nästa", "nasta", "upcoming"),
)
def next_(ctx: Ctx, text: str) -> Reply:
    """Show the next planned meeting with its agenda."""
    meeting = next_meeting(ctx)
    if meeting is None:
        return Reply(t(ctx.lang, "no_next_meeting"), lang=ctx.lang)
    return _describe(ctx, meeting, t(ctx.lang, "next_meeting", title=title_of(ctx, meeting)))
