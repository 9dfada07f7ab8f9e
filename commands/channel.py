"""What the channel a command came from implies: its series, its running meeting."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, timedelta

from sqlmodel import select

from commands.context import Ctx
from commands.dates import (
    DateError,
    MeetingLookup,
    describe_period,
    format_date,
    format_day_month_year,
    parse_date,
    weekday_name,
)
from commands.errors import CommandError
from commands.format import local_date
from commands.reply import Visibility
from storage import meetings as meeting_repo
from storage.models import Meeting, MeetingSeries

# A planned meeting not yet started stays "the next meeting" this long after its start
# (meetings start late; /möte starta takes it without asking in this window), unless its
# planned end has passed.
LATE_START = timedelta(hours=2)
_NUMBER_RE = re.compile(r"^#?[A-Za-z]?(\d{1,9})$")


def channel_series(ctx: Ctx) -> list[MeetingSeries]:
    """The series bound to the request's channel."""
    return meeting_repo.series_for_channel(
        ctx.session, workspace_id=ctx.ws_id, channel_id=ctx.request.channel
    )


def series_ids(ctx: Ctx) -> list[int]:
    """Ids of the channel's series."""
    return [s.id for s in channel_series(ctx) if s.id is not None]


def running_meeting(ctx: Ctx, ids: list[int] | None = None) -> Meeting | None:
    """The meeting running in this channel now, if any (``ids``: its series, if known)."""
    return meeting_repo.running_meeting(
        ctx.session, series_ids=series_ids(ctx) if ids is None else ids
    )


def next_meeting(ctx: Ctx, ids: list[int] | None = None) -> Meeting | None:
    """The next planned meeting of this channel (``ids``: its series, if known).

    A meeting planned for 09:00–12:00 that nobody has started yet is still the next one
    at 09:20, and at 11:30: agenda items added then belong to it, and /möte starta starts
    it. Without a planned end it stays so for two hours.
    """
    ids = series_ids(ctx) if ids is None else ids
    return meeting_repo.next_unheld_meeting(
        ctx.session, series_ids=ids, now=ctx.now, grace=LATE_START
    )


def meeting_on(ctx: Ctx, text: str) -> Meeting | None:
    """The channel's meeting on the day the user named ("14 januari", "2027-01-14").

    None when ``text`` names no date at all, so the caller shows what it shows without one.
    A day without a year that passed lately ("12 november") may mean that day or next
    year's: the one with a meeting is taken.

    Raises:
        CommandError: the date does not exist ("31 februari"), or no meeting of this
            channel falls on it (the message names the nearest ones).
    """
    text = text.strip()
    if not text:
        return None
    try:
        days = [parse_date(text, today=ctx.today)]
    except DateError as err:
        if err.code == "unknown":
            return None
        if err.code != "ask_year" or err.year is None:
            raise date_error(err, ctx.lang) from err
        days = [
            parse_date(f"{text} {year}", today=ctx.today) for year in (ctx.today.year, err.year)
        ]
    series = {s.id: s for s in channel_series(ctx) if s.id is not None}
    meetings = meeting_repo.meetings_of_series(ctx.session, series_ids=list(series))
    dated = [
        (local_date(m.starts_at, ctx.series_tz(series.get(m.series_id or 0))), m) for m in meetings
    ]
    for day in days:
        for when, meeting in dated:
            if when == day:
                return meeting
    if not dated:
        raise CommandError("no_meetings")
    nearest = sorted(dated, key=lambda pair: abs((pair[0] - days[0]).days))[:2]
    raise CommandError(
        "no_meeting_on",
        day=format_date(days[0], ctx.lang),
        near=", ".join(
            format_date(when, ctx.lang) for when, _ in sorted(nearest, key=lambda p: p[0])
        ),
    )


def next_meeting_date(ctx: Ctx, ids: list[int] | None = None) -> date | None:
    """The date of the channel's next meeting, for "till nästa möte"."""
    meeting = next_meeting(ctx, ids)
    if meeting is None:
        return None
    series = ctx.session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None
    return local_date(meeting.starts_at, ctx.series_tz(series))


def _series_key(name: str) -> str:
    """A series name reduced for matching: "KC-möte", "kc möte", "KC" -> "kc"."""
    folded = unicodedata.normalize("NFC", name.casefold())
    key = "".join(char for char in folded if char.isalnum())
    for suffix in ("sammanträdet", "sammanträde", "mötet", "möte", "meeting"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key.removesuffix(suffix)
    return key


def _stem(key: str) -> str:
    """Drop a definite or compound ending: "styrgruppsmöte" names "Styrgruppen" too."""
    for suffix in ("ens", "ets", "en", "et", "s"):
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key.removesuffix(suffix)
    return key


def series_meeting_lookup(ctx: Ctx) -> MeetingLookup:
    """A lookup of a named series' next meeting date, for "till nästa KC-möte".

    The date reader stays free of the database: it gets this callable.
    """

    def lookup(name: str) -> date | None:
        wanted = _series_key(name)
        stmt = select(MeetingSeries).where(MeetingSeries.workspace_id == ctx.ws_id)
        for series in ctx.session.exec(stmt):
            key = _series_key(series.name)
            if key == wanted or _stem(key) == _stem(wanted):
                if series.id is None:
                    continue
                meeting = meeting_repo.next_meeting(
                    ctx.session, series_ids=[series.id], after=ctx.now
                )
                if meeting is not None:
                    return local_date(meeting.starts_at, ctx.series_tz(series))
        return None

    return lookup


def visibility(ctx: Ctx) -> Visibility:
    """Confirmations go to the channel while its meeting runs, else to the caller."""
    return Visibility.CHANNEL if running_meeting(ctx) is not None else Visibility.CALLER


def parse_number(token: str) -> int | None:
    """Read "#12", "12", "B3" or "#B3" as 12 / 3."""
    match = _NUMBER_RE.match(token.strip())
    return int(match.group(1)) if match else None


def date_error(err: DateError, lang: str = "sv") -> CommandError:
    """Turn a date reader error into the user's message.

    Args:
        err: What the date reader refused.
        lang: The user's language, for the dates and names the message shows.

    Returns:
        The error to raise: a question for a passed date without a year or a
        weekday that does not match, examples of what works for a date not
        understood.
    """
    text = err.text[:60]
    if err.code == "invalid":
        return CommandError("date_invalid", text=text)
    if err.code == "no_next_meeting":
        return CommandError("date_no_next_meeting", text=text)
    if err.code == "no_series_meeting":
        return CommandError("date_no_series_meeting", text=text)
    if err.code == "ask_year" and err.period is not None:
        what = describe_period(err.period, None, lang)
        return CommandError(
            "date_ask_year",
            what=what[:1].upper() + what[1:],
            suggestion=describe_period(err.period, err.year, lang),
        )
    if err.code == "no_leap_day" and err.year is not None:
        leap = err.year + 1
        while not calendar.isleap(leap):
            leap += 1
        return CommandError("date_no_leap_day", year=err.year, leap=leap)
    if err.code == "weekday_mismatch" and err.actual is not None and err.weekday is not None:
        return CommandError(
            "date_weekday_mismatch",
            date=format_day_month_year(err.actual, lang),
            actual=weekday_name(err.actual.weekday(), lang),
            written=weekday_name(err.weekday, lang),
        )
    return CommandError("date_unknown_examples", text=text)
