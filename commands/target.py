"""Which meeting a command that fills in the record means.

Participants, item descriptions, notes and attachments are written before, during
and just after a meeting, so "the meeting" is, in order: the one running in the
channel, the one held there today, the next planned one, the latest held one.
An ISO date first in the text names a meeting explicitly.
"""

from __future__ import annotations

from datetime import date

from commands import format as fmt
from commands.channel import next_meeting, running_meeting, series_ids
from commands.context import Ctx
from commands.errors import CommandError
from storage import meetings as meeting_repo
from storage.models import Meeting, MeetingSeries, MeetingStatus

_HELD = (MeetingStatus.ENDED.value, MeetingStatus.APPROVED.value)


def _day(ctx: Ctx, meeting: Meeting) -> date:
    series = ctx.session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None
    return fmt.local_date(meeting.starts_at, ctx.series_tz(series))


def record_meeting(ctx: Ctx, text: str) -> tuple[Meeting, str]:
    """The meeting a record-filling command means, and the text left after a leading date.

    Raises:
        CommandError: the channel has no meeting, or none on the date given.
    """
    first, _, rest = text.strip().partition(" ")
    try:
        day: date | None = date.fromisoformat(first)
    except ValueError:
        day = None
    every = [
        m
        for m in meeting_repo.meetings_of_series(ctx.session, series_ids=series_ids(ctx))
        if m.status != MeetingStatus.CANCELLED.value
    ]
    if day is not None:
        found = [m for m in every if _day(ctx, m) == day]
        if not found:
            raise CommandError("min_meeting_not_found", what=first)
        return found[0], rest.strip()
    meeting = running_meeting(ctx)
    if meeting is None:
        today = [m for m in every if m.status in _HELD and _day(ctx, m) == ctx.today]
        meeting = today[-1] if today else next_meeting(ctx)
    if meeting is None:
        held = [m for m in every if m.status in _HELD]
        meeting = held[-1] if held else None
    if meeting is None:
        raise CommandError("no_meetings")
    return meeting, text.strip()


def refuse_if_locked(meeting: Meeting, title: str) -> None:
    """Approved minutes are the formal record: they change only by a correction.

    Raises:
        CommandError: the meeting's minutes are approved.
    """
    if meeting.status == MeetingStatus.APPROVED.value:
        raise CommandError("rec_locked", title=title)
