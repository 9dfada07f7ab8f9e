"""The yearly report requests on assignments, before each follow-up meeting.

Four weeks before the follow-up meeting, at 09:00 on a working day, each contact person
gets one DM asking for this year's report on every assignment of their groups that has
none yet (buttons Utfört / Pågår / Behöver ändras, each asking for the text). One week
before, a reminder goes to those whose assignments still lack a report. At the request's
moment the secretary who set the follow-up gets the parties no one can be asked in chat.
Occasions carry the follow-up's id, not the meeting's time, so moving the meeting moves
the moments and still sends each message once.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import Session

from commands.assignment_followup import (
    ASK_TIME,
    FollowUpView,
    PartyDue,
    due_by_party,
    manual_reply,
    reachable,
    request_reply,
    view_of,
)
from commands.context import zone
from commands.i18n import lang_of
from scheduler.outgoing import Outgoing, person_recipient
from storage import assignments as repo
from storage.models import Person

REQUEST = "assignment_request"
REMINDER = "assignment_reminder"
MANUAL = "assignment_manual"


def _views(session: Session, now: datetime, until: datetime | None = None) -> list[FollowUpView]:
    """Follow-ups whose meeting is still ahead and whose request day is near (by ``until``)."""
    views = []
    for followup in repo.followups_in(session):
        view = view_of(session, followup)
        if view is None or view.meeting.starts_at <= now:
            continue
        # A day of slack covers every time zone; far-off follow-ups cost nothing per tick.
        earliest = datetime.combine(view.request_day, time(0), view.tz) - timedelta(days=1)
        if (until or now) < earliest:
            continue
        views.append(view)
    return views


def _moment(view: FollowUpView, person: Person | None, reminder: bool) -> datetime:
    tz = zone((person.timezone if person else None) or view.workspace.timezone)
    day = view.reminder_day if reminder else view.request_day
    return datetime.combine(day, ASK_TIME, tz)


def _by_contact(
    view: FollowUpView, dues: list[PartyDue]
) -> dict[int, tuple[Person, list[PartyDue]]]:
    grouped: dict[int, tuple[Person, list[PartyDue]]] = {}
    for due in dues:
        if not due.missing or not reachable(due.contact, view.workspace):
            continue
        assert due.contact is not None and due.contact.id is not None
        grouped.setdefault(due.contact.id, (due.contact, []))[1].append(due)
    return grouped


def followup_messages_due(session: Session, now: datetime) -> list[Outgoing]:
    """The requests, reminders and the secretary's list whose moment has come at ``now``."""
    out: list[Outgoing] = []
    for view in _views(session, now):
        occasion = f"followup:{view.followup.id}"
        dues = due_by_party(session, view)
        for pid, (person, groups) in _by_contact(view, dues).items():
            lang = lang_of(person.locale, view.workspace.language)
            request_at = _moment(view, person, reminder=False)
            reminder_at = _moment(view, person, reminder=True)
            if request_at <= now < reminder_at:
                out.append(
                    Outgoing(
                        kind=REQUEST,
                        recipient=person_recipient(pid),
                        occasion=occasion,
                        workspace=view.workspace,
                        content=request_reply(view, groups, lang, reminder=False),
                        due_at=request_at,
                        expires_at=reminder_at,
                        person=person,
                    )
                )
            if reminder_at <= now:
                out.append(
                    Outgoing(
                        kind=REMINDER,
                        recipient=person_recipient(pid),
                        occasion=occasion,
                        workspace=view.workspace,
                        content=request_reply(view, groups, lang, reminder=True),
                        due_at=reminder_at,
                        expires_at=view.meeting.starts_at,
                        person=person,
                    )
                )
        manual = [d for d in dues if d.missing and not reachable(d.contact, view.workspace)]
        secretary = (
            session.get(Person, view.followup.created_by_id)
            if view.followup.created_by_id is not None
            else None
        )
        if manual and secretary is not None and secretary.id is not None:
            moment = _moment(view, secretary, reminder=False)
            if moment <= now:
                lang = lang_of(secretary.locale, view.workspace.language)
                out.append(
                    Outgoing(
                        kind=MANUAL,
                        recipient=person_recipient(secretary.id),
                        occasion=occasion,
                        workspace=view.workspace,
                        content=manual_reply(view, manual, lang),
                        due_at=moment,
                        expires_at=view.meeting.starts_at,
                        person=secretary,
                    )
                )
    return out


def followup_instants(session: Session, now: datetime, until: datetime) -> set[datetime]:
    """Future moments at which a request, reminder or list becomes due (exact-time jobs)."""
    instants: set[datetime] = set()
    for view in _views(session, now, until):
        people: list[Person | None] = [None]
        people.extend(d.contact for d in due_by_party(session, view) if d.contact is not None)
        for person in people:
            for reminder in (False, True):
                moment = _moment(view, person, reminder)
                if now < moment <= until:
                    instants.add(moment)
    return instants
