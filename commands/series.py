"""/meeting series, /meeting move, /meeting cancel: recurring meetings and their dates."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from commands import format as fmt
from commands.channel import channel_series, series_ids
from commands.context import Ctx
from commands.dates import DateError, format_date, format_day_month_year, parse_time
from commands.errors import CommandError
from commands.i18n import t, tn
from commands.meeting import (
    _find_date,
    _find_span,
    confirm_series_name,
    end_after,
    find_clock,
    quoted_name,
    span_or_refuse,
    title_of,
)
from commands.planning import HORIZON_DAYS, extend_series
from commands.recurrence import RecurrenceError, describe, parse_recurrence
from commands.registry import subcommand
from commands.reply import Line, Reply, Visibility
from commands.workdays import holiday_name
from storage import audit
from storage import meetings as repo
from storage.models import Meeting, MeetingSeries, MeetingStatus

SPAN_RE = re.compile(r"^(kl\.?\s*)?\d{1,2}([:.]\d{2})?\s*[-–]\s*\d{1,2}([:.]\d{2})?$")
NEW_WORDS = frozenset({"new", "ny", "nytt", "skapa", "create"})
DIGEST_WORDS = frozenset({"digest", "sammanfattning", "utskick", "påminnelse"})
SHOW_WORDS = frozenset({"show", "visa", "list", "lista"})
ON_WORDS = frozenset({"på", "on", "ja", "yes"})
OFF_WORDS = frozenset({"av", "off", "nej", "no"})
MORNING_WORDS = frozenset({"morgon", "morgonen", "morning"})
UPCOMING_SHOWN = 6


@subcommand(
    "meeting",
    "series",
    words=("serie", "serien", "mötesserie"),
    topics=NEW_WORDS | DIGEST_WORDS | SHOW_WORDS,
)
def series(ctx: Ctx, text: str) -> Reply:
    """Create a recurring series, set its digest, or show it."""
    word, _, rest = text.strip().partition(" ")
    word = word.casefold()
    if word in NEW_WORDS:
        return _new(ctx, rest.strip())
    if word in DIGEST_WORDS:
        return _digest(ctx, rest.strip())
    if word in SHOW_WORDS or not word:
        return _show(ctx, rest.strip())
    raise CommandError("series_usage")


def _span_index(words: list[str]) -> int | None:
    for i in range(len(words)):
        for k in (3, 2, 1):
            chunk = " ".join(words[i : i + k])
            if i + k <= len(words) and SPAN_RE.match(chunk):
                if span_or_refuse(chunk) is None:
                    continue
                return i
    return None


def _new(ctx: Ctx, text: str) -> Reply:
    words = text.split()
    at = _span_index(words)
    if at is None or at < 2:
        raise CommandError("series_usage")
    used, span = _find_span(words[at:])
    if span is None:
        raise CommandError("series_usage")
    head, place = words[:at], " ".join(words[at + used :]) or None
    found = None
    for split in range(1, len(head)):
        try:
            found = (" ".join(head[:split]).strip('"“”'), parse_recurrence(" ".join(head[split:])))
            break
        except RecurrenceError:
            continue
    if found is None:
        raise CommandError("series_rule_unknown")
    name, rule = found
    confirm_series_name(
        ctx,
        name,
        lambda other: " ".join(
            [*ctx.request.text.split()[:2], quoted_name(other), *head[split:], *words[at:]]
        ),
    )
    existing = repo.get_series_by_name(ctx.session, workspace_id=ctx.ws_id, name=name)
    if existing is not None and existing.rrule:
        raise CommandError(
            "series_has_rule", series=existing.name, rule=describe(existing.rrule, ctx.lang)
        )
    item = repo.get_or_create_series(
        ctx.session,
        workspace_id=ctx.ws_id,
        name=name,
        channel_id=ctx.request.channel,
        at=ctx.now,
        actor_id=ctx.caller_id,
        timezone=ctx.workspace.timezone,
    )
    before = audit.snapshot(item)
    today = ctx.now.astimezone(ctx.series_tz(item)).date()
    item.rrule = rule.rrule(today)
    item.start_time, item.end_time = span
    if place:
        item.place = place
    audit.record_updated(
        ctx.session,
        item,
        entity="series",
        op="recurrence",
        before=before,
        workspace_id=ctx.ws_id,
        actor_id=ctx.caller_id,
        at=ctx.now,
    )
    created = extend_series(
        ctx.session, series=item, today=today, at=ctx.now, actor_id=ctx.caller_id
    )
    lines = _upcoming_lines(ctx, item)
    # The last meeting planned, not the horizon (a Saturday said "till och med lör 4 dec").
    last = (
        fmt.local_date(max(m.starts_at for m in created), ctx.series_tz(item))
        if created
        else today + timedelta(days=HORIZON_DAYS)
    )
    until = format_date(last, ctx.lang)
    headline = tn(
        ctx.lang,
        "series_created",
        len(created),
        series=item.name,
        rule=describe(item.rrule, ctx.lang),
        span=f"{span[0]:%H:%M}–{span[1]:%H:%M}",
        until=until,
    )
    return Reply(headline, tuple(lines), lang=ctx.lang)


def _upcoming_lines(ctx: Ctx, item: MeetingSeries) -> list[Line]:
    assert item.id is not None
    upcoming = [
        m
        for m in repo.meetings_of_series(
            ctx.session, series_ids=[item.id], statuses=(MeetingStatus.PLANNED,)
        )
        if m.starts_at >= ctx.now
    ]
    lines = [Line(t(ctx.lang, "series_upcoming"), heading=True)] if upcoming else []
    lines.extend(Line(title_of(ctx, m)) for m in upcoming[:UPCOMING_SHOWN])
    if len(upcoming) > UPCOMING_SHOWN:
        lines.append(Line("…"))
    return lines + _holiday_lines(ctx, item, upcoming)


def _holiday_lines(ctx: Ctx, item: MeetingSeries, upcoming: list[Meeting]) -> list[Line]:
    """A rule knows no holidays: name the planned meetings that fall on one (juldagen)."""
    tz = ctx.series_tz(item)
    lines = []
    for meeting in upcoming:
        day = fmt.local_date(meeting.starts_at, tz)
        name = holiday_name(day) if day.weekday() < 6 else None
        if name is None:
            continue
        spoken = format_day_month_year(day, ctx.lang)
        lines.append(
            Line(
                t(
                    ctx.lang,
                    "series_on_holiday",
                    date=format_date(day, ctx.lang),
                    holiday=name[:1].lower() + name[1:],
                    move=f"{ctx.typed_command} {_word(ctx, 'flytta')} {spoken}",
                    cancel=f"{ctx.typed_command} {_word(ctx, 'ställin')} {spoken}",
                )
            )
        )
    return lines


def _word(ctx: Ctx, swedish: str) -> str:
    return swedish if ctx.lang == "sv" else {"flytta": "move", "ställin": "cancel"}[swedish]


def _named_series(ctx: Ctx, name: str) -> MeetingSeries:
    if name:
        found = repo.get_series_by_name(ctx.session, workspace_id=ctx.ws_id, name=name)
        if found is None:
            raise CommandError("series_unknown", name=name[:80])
        return found
    bound = channel_series(ctx)
    if not bound:
        raise CommandError("no_series")
    return bound[0]


def _digest(ctx: Ctx, text: str) -> Reply:
    words = text.split()
    morning: bool | None = None
    if len(words) >= 2 and words[-2].casefold() in MORNING_WORDS:
        flag = words[-1].casefold()
        if flag not in ON_WORDS | OFF_WORDS:
            raise CommandError("series_digest_usage")
        morning, words = flag in ON_WORDS, words[:-2]
    elif words and words[-1].casefold() in MORNING_WORDS:
        morning, words = True, words[:-1]
    days: int | None = None
    at: time | None = None
    if len(words) >= 2 and words[-2].isdigit():
        try:
            at = parse_time(words[-1])
        except DateError as err:
            raise CommandError("series_digest_usage") from err
        days, words = int(words[-2]), words[:-2]
        if not 0 <= days <= 20:
            raise CommandError("series_digest_usage")
    if days is None and morning is None:
        raise CommandError("series_digest_usage")
    item = _named_series(ctx, " ".join(words).strip('"“”'))
    before = audit.snapshot(item)
    if days is not None and at is not None:
        item.digest_days_before, item.digest_time = days, at
    if morning is not None:
        item.digest_on_morning = morning
    audit.record_updated(
        ctx.session,
        item,
        entity="series",
        op="digest",
        before=before,
        workspace_id=ctx.ws_id,
        actor_id=ctx.caller_id,
        at=ctx.now,
    )
    return Reply(
        t(
            ctx.lang,
            "series_digest_set",
            series=item.name,
            days=item.digest_days_before,
            time=f"{item.digest_time:%H:%M}",
            morning=t(ctx.lang, "series_digest_morning") if item.digest_on_morning else "",
        ),
        lang=ctx.lang,
    )


def _show(ctx: Ctx, name: str) -> Reply:
    item = _named_series(ctx, name)
    rule = (
        t(ctx.lang, "series_rule", rule=describe(item.rrule, ctx.lang))
        if item.rrule
        else t(ctx.lang, "series_no_rule")
    )
    digest = t(
        ctx.lang,
        "series_digest_set",
        series=item.name,
        days=item.digest_days_before,
        time=f"{item.digest_time:%H:%M}",
        morning=t(ctx.lang, "series_digest_morning") if item.digest_on_morning else "",
    )
    lines = [Line(rule), Line(digest), *_upcoming_lines(ctx, item)]
    return Reply(t(ctx.lang, "series_show", series=item.name), tuple(lines), lang=ctx.lang)


def _planned_on(ctx: Ctx, words: list[str], usage: str) -> tuple[Meeting, int]:
    """The channel's planned meeting named by the first date (or meeting id) in words."""
    found = _find_date(ctx, words)
    named_by_day = found is not None and found[0] == 0 and found[1] > 1
    if not named_by_day and words and words[0].isdigit() and len(words[0]) < 7:
        meeting = repo.get_meeting(ctx.session, workspace_id=ctx.ws_id, meeting_id=int(words[0]))
        if meeting is None or meeting.series_id not in series_ids(ctx):
            raise CommandError("move_not_found", date=words[0])
        return meeting, 1
    if found is None or found[0] != 0:
        raise CommandError(usage)
    _, end, day = found
    cancelled = None
    for meeting in repo.meetings_of_series(
        ctx.session,
        series_ids=series_ids(ctx),
        statuses=(MeetingStatus.PLANNED, MeetingStatus.CANCELLED),
    ):
        tz = ctx.series_tz(repo_series(ctx, meeting))
        if fmt.local_date(meeting.starts_at, tz) == day:
            if meeting.status == MeetingStatus.PLANNED:
                return meeting, end
            cancelled = meeting
    if cancelled is not None:
        # Said twice, or the meeting of a day that was called off: not "no meeting".
        raise CommandError("meeting_already_cancelled", title=title_of(ctx, cancelled))
    raise CommandError("move_not_found", date=format_date(day, ctx.lang))


def repo_series(ctx: Ctx, meeting: Meeting) -> MeetingSeries | None:
    """The series of a meeting."""
    return ctx.session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None


@subcommand(
    "meeting",
    "move",
    words=("flytta", "omboka", "reschedule"),
)
def move(ctx: Ctx, text: str) -> Reply:
    """Move one planned meeting to another day and/or time."""
    words = text.split()
    meeting, used = _planned_on(ctx, words, "move_usage")
    rest = words[used:]
    found = _find_date(ctx, rest)
    _, span = find_clock(rest[found[1] :] if found else rest)
    if found is None and span is None:
        raise CommandError("move_usage")
    tz = ctx.series_tz(repo_series(ctx, meeting))
    old_start = meeting.starts_at.astimezone(tz)
    day = found[2] if found else old_start.date()
    if day < ctx.today:
        raise CommandError("meeting_in_past", date=format_date(day, ctx.lang))
    end_t: time | None
    if span is not None:
        start_t, end_t = span
        if end_t is None:
            old_end = (
                meeting.ends_at.astimezone(tz).time().replace(tzinfo=None)
                if meeting.ends_at
                else None
            )
            end_t = end_after(start_t, (old_start.time().replace(tzinfo=None), old_end))
    else:
        start_t = old_start.time().replace(tzinfo=None)
        end_t = (
            meeting.ends_at.astimezone(tz).time().replace(tzinfo=None) if meeting.ends_at else None
        )
    before = audit.snapshot(meeting)
    for other in repo.meetings_of_series(ctx.session, series_ids=[meeting.series_id or 0]):
        if (
            other.id != meeting.id
            and other.status != MeetingStatus.CANCELLED
            and fmt.local_date(other.starts_at, tz) == day
        ):
            owner = repo_series(ctx, meeting)
            raise CommandError(
                "meeting_exists",
                series=owner.name if owner else "",
                date=format_date(day, ctx.lang),
            )
    meeting.starts_at = datetime.combine(day, start_t, tz)
    meeting.ends_at = datetime.combine(day, end_t, tz) if end_t else None
    audit.record_updated(
        ctx.session,
        meeting,
        entity="meeting",
        op="move",
        before=before,
        workspace_id=ctx.ws_id,
        actor_id=ctx.caller_id,
        at=ctx.now,
    )
    return Reply(
        t(ctx.lang, "meeting_moved", title=title_of(ctx, meeting)),
        visibility=Visibility.CHANNEL,
        lang=ctx.lang,
    )


@subcommand(
    "meeting",
    "cancel",
    words=("ställin", "inställ", "ställ-in", "avboka", "stryk", "ställ"),
)
def cancel(ctx: Ctx, text: str) -> Reply:
    """Cancel one planned meeting; the series goes on."""
    words = text.split()
    if words and words[0].casefold() == "in":  # "/meeting ställ in 10/12"
        words = words[1:]
    if not words:
        raise CommandError("cancel_usage")
    meeting, _ = _planned_on(ctx, words, "cancel_usage")
    repo.set_status(
        ctx.session,
        meeting=meeting,
        status=MeetingStatus.CANCELLED,
        actor_id=ctx.caller_id,
        at=ctx.now,
    )
    return Reply(
        t(ctx.lang, "meeting_cancelled", title=title_of(ctx, meeting)),
        visibility=Visibility.CHANNEL,
        lang=ctx.lang,
    )
