"""What the channel a command came from implies: its series, its running meeting."""

from __future__ import annotations

import re
from datetime import date

from commands.context import Ctx
from commands.dates import DateError
from commands.errors import CommandError
from commands.format import local_date
from commands.reply import Visibility
from storage import meetings as meeting_repo
from storage.models import Meeting, MeetingSeries

_NUMBER_RE = re.compile(r"^#?[A-Za-z]?(\d{1,9})$")


def channel_series(ctx: Ctx) -> list[MeetingSeries]:
    """The series bound to the request's channel."""
    return meeting_repo.series_for_channel(
        ctx.session, workspace_id=ctx.ws_id, channel_id=ctx.request.channel
    )


def series_ids(ctx: Ctx) -> list[int]:
    """Ids of the channel's series."""
    return [s.id for s in channel_series(ctx) if s.id is not None]


def running_meeting(ctx: Ctx) -> Meeting | None:
    """The meeting running in this channel now, if any."""
    return meeting_repo.running_meeting(ctx.session, series_ids=series_ids(ctx))


def next_meeting(ctx: Ctx) -> Meeting | None:
    """The next planned meeting of this channel."""
    return meeting_repo.next_meeting(ctx.session, series_ids=series_ids(ctx), after=ctx.now)


def next_meeting_date(ctx: Ctx) -> date | None:
    """The date of the channel's next meeting, for "till nästa möte"."""
    meeting = next_meeting(ctx)
    if meeting is None:
        return None
    series = ctx.session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None
    return local_date(meeting.starts_at, ctx.series_tz(series))


def visibility(ctx: Ctx) -> Visibility:
    """Confirmations go to the channel while its meeting runs, else to the caller."""
    return Visibility.CHANNEL if running_meeting(ctx) is not None else Visibility.CALLER


def parse_number(token: str) -> int | None:
    """Read "#12", "12", "B3" or "#B3" as 12 / 3."""
    match = _NUMBER_RE.match(token.strip())
    return int(match.group(1)) if match else None


def date_error(err: DateError) -> CommandError:
    """Turn a date reader error into the user's message."""
    key = {"invalid": "date_invalid", "no_next_meeting": "date_no_next_meeting"}.get(
        err.code, "date_unknown"
    )
    return CommandError(key, text=err.text[:60])
