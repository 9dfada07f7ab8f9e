"""Everything due at an instant, and the instants to wake up at: pure functions of the data."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from scheduler.digest import digest_instants, digests_due, upcoming_meetings
from scheduler.followup import followup_instants, followup_messages_due
from scheduler.morning import morning_dms, next_reminder_instants
from scheduler.outgoing import Outgoing
from scheduler.status_request import status_request_instants, status_requests_due


def due_messages(
    session: Session, now: datetime, *, people: frozenset[int] | None = None
) -> list[Outgoing]:
    """Every scheduled message whose moment has come at ``now`` and that is still useful.

    Stale ones (yesterday's DM, the digest of a meeting that has started) are
    never produced, so catching up after downtime sends only what still helps.
    Whether a message was already sent is the delivery table's business. With
    ``people``, only their morning DMs are planned (the rest is planned in full).
    """
    messages = morning_dms(session, now, people=people)
    messages.extend(digests_due(session, now))
    messages.extend(status_requests_due(session, now))
    messages.extend(followup_messages_due(session, now))
    return [m for m in messages if m.due_at <= now < m.expires_at]


def wake_up_instants(session: Session, now: datetime, until: datetime) -> list[datetime]:
    """The moments in (now, until] at which something may become due, sorted."""
    instants = next_reminder_instants(session, now, until)
    for meeting, series in upcoming_meetings(session, now):
        for _, moment in digest_instants(meeting, series):
            if now < moment <= until:
                instants.add(moment)
    instants |= status_request_instants(session, now, until)
    instants |= followup_instants(session, now, until)
    return sorted(instants)
