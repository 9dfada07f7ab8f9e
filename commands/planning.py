"""Turning a series' recurrence rule into planned meetings, a year ahead.

Meetings are materialised eagerly for a horizon (``HORIZON_DAYS``) when the
series is created, and the horizon is topped up by the scheduler's sweep (at
start, hourly, and daily at the end of its look-ahead). Each date of the rule
is remembered in ``series_occurrence`` so that a moved or cancelled occurrence
is never planned again, and a meeting that already exists on a rule date
(``/meeting new``) is adopted, not duplicated.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from commands.recurrence import occurrences
from storage import meetings as meeting_repo
from storage.models import Meeting, MeetingSeries, SeriesOccurrence

HORIZON_DAYS = 365
DEFAULT_START = time(9, 0)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("Europe/Stockholm")


def extend_series(
    session: Session,
    /,
    *,
    series: MeetingSeries,
    today: date,
    at: datetime,
    actor_id: int | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> list[Meeting]:
    """Plan the meetings of a series' rule from ``today`` up to the horizon.

    Args:
        session: the open transaction.
        series: a series with an ``rrule``.
        today: the first date to plan (in the series' zone).
        at: the clock, for the audit trail.
        actor_id: who asked (None for the scheduler).
        horizon_days: how far ahead to plan.

    Returns:
        The meetings created now (already planned ones are left alone).
    """
    if not series.rrule or series.id is None:
        return []
    tz = _zone(series.timezone)
    until = today + timedelta(days=horizon_days)
    dates = occurrences(series.rrule, today, until)
    if not dates:
        return []
    known = set(
        session.exec(
            select(col(SeriesOccurrence.occurrence_date)).where(
                SeriesOccurrence.series_id == series.id,
                col(SeriesOccurrence.occurrence_date) >= today,
            )
        )
    )
    existing: dict[date, Meeting] = {}
    for meeting in meeting_repo.meetings_of_series(session, series_ids=[series.id]):
        existing.setdefault(meeting.starts_at.astimezone(tz).date(), meeting)
    created: list[Meeting] = []
    start_t = series.start_time or DEFAULT_START
    for day in dates:
        if day in known:
            continue
        found = existing.get(day)
        if found is not None:
            meeting = found
        else:
            meeting = meeting_repo.create_meeting(
                session,
                workspace_id=series.workspace_id,
                series_id=series.id,
                starts_at=datetime.combine(day, start_t, tz),
                ends_at=datetime.combine(day, series.end_time, tz) if series.end_time else None,
                place=series.place,
                at=at,
                actor_id=actor_id,
            )
            created.append(meeting)
        session.add(
            SeriesOccurrence(
                series_id=series.id, occurrence_date=day, meeting_id=meeting.id, created_at=at
            )
        )
    session.flush()
    return created


def extend_all(session: Session, /, *, now: datetime) -> int:
    """Top up the horizon of every series with a rule; return how many meetings were planned."""
    count = 0
    for series in session.exec(select(MeetingSeries).where(col(MeetingSeries.rrule).is_not(None))):
        today = now.astimezone(_zone(series.timezone)).date()
        count += len(extend_series(session, series=series, today=today, at=now))
    return count
