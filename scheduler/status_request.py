"""Three working days before a meeting, ask the owners of the previous meeting's open actions.

The buttons are ordinary commands (``action done #n``, ``action note #n``,
``action due #n``), so an answer is a note, a new due date or a closed action,
and the digest shows it (status and latest note).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from commands import format as fmt
from commands.context import zone
from commands.i18n import lang_of, t
from commands.reply import Button, ButtonKind, Line, Reply
from commands.workdays import working_days_before
from scheduler.digest import upcoming_meetings
from scheduler.outgoing import STATUS_REQUEST, Outgoing, meeting_occasion, person_recipient
from storage import actions as action_repo
from storage import meetings as meeting_repo
from storage.models import Action, ActionStatus, Meeting, MeetingSeries, Person, Workspace
from storage.people import is_away

WORKING_DAYS_BEFORE = 3
CONSOLE = "console"


def status_buttons(action: Action, lang: str) -> tuple[Button, ...]:
    """Klar / Pågår + anteckning / Nytt datum, as the commands they run."""
    n = action.number
    return (
        Button(t(lang, "btn_done"), f"action done #{n}", ButtonKind.RUN, primary=True),
        Button(t(lang, "btn_in_progress"), f"action note #{n}", ButtonKind.NOTE),
        Button(t(lang, "btn_new_date"), f"action due #{n}", ButtonKind.PICK_DATE),
    )


def status_request_reply(
    session: Session, person: Person, actions: list[Action], title: str, lang: str, now: datetime
) -> Reply:
    """The DM asking one owner about their open actions from the previous meeting."""
    tz = zone(person.timezone)
    today = now.astimezone(tz).date()
    lines = [Line(t(lang, "status_request_hint"))]
    for line in fmt.action_lines(
        session, actions, lang, today, with_buttons=False, with_notes=True
    ):
        action = next(a for a in actions if a.number == line.action_number)
        lines.append(Line(line.text, status_buttons(action, lang), action_number=action.number))
    return Reply(t(lang, "status_request_headline", title=title), tuple(lines), lang=lang)


def status_requests_due(
    session: Session, now: datetime, *, days_before: int = WORKING_DAYS_BEFORE
) -> list[Outgoing]:
    """The status-request DMs due at ``now``: on the working day ``days_before`` the meeting,
    from each owner's reminder time until the meeting starts; not while away or opted out."""
    out: list[Outgoing] = []
    for meeting, series in upcoming_meetings(session, now):
        out.extend(_for_meeting(session, meeting, series, now, days_before))
    return out


def _for_meeting(
    session: Session, meeting: Meeting, series: MeetingSeries, now: datetime, days_before: int
) -> list[Outgoing]:
    assert meeting.id is not None
    ws = session.get(Workspace, meeting.workspace_id)
    previous = meeting_repo.previous_meeting(session, meeting=meeting)
    if ws is None or previous is None or previous.id is None:
        return []
    meeting_day = meeting.starts_at.astimezone(zone(series.timezone)).date()
    ask_day = working_days_before(meeting_day, days_before)
    open_actions = action_repo.list_actions(
        session, workspace_id=meeting.workspace_id, meeting_id=previous.id, limit=1000
    )
    owners = action_repo.owners_of(session, action_ids=[a.id for a in open_actions if a.id])
    by_person: dict[int, tuple[Person, list[Action]]] = {}
    for action in sorted(open_actions, key=lambda a: a.number):
        assert action.id is not None
        for person in owners.get(action.id, []):
            assert person.id is not None
            by_person.setdefault(person.id, (person, []))[1].append(action)
    out: list[Outgoing] = []
    for pid, (person, actions) in by_person.items():
        if person.platform_user_id is None and ws.platform != CONSOLE:
            continue
        if not person.reminders_enabled:
            continue
        tz = zone(person.timezone or ws.timezone)
        local_today = now.astimezone(tz).date()
        if is_away(person.away_from, person.away_until, local_today):
            continue
        moment = datetime.combine(ask_day, person.reminder_time, tz)
        if moment > now:
            continue
        lang = lang_of(person.locale, ws.language)
        title = fmt.meeting_title(meeting, series, lang, zone(series.timezone))
        out.append(
            Outgoing(
                kind=STATUS_REQUEST,
                recipient=person_recipient(pid),
                occasion=meeting_occasion(meeting.id, meeting.starts_at.astimezone(UTC)),
                workspace=ws,
                content=status_request_reply(session, person, actions, title, lang, now),
                due_at=moment,
                expires_at=meeting.starts_at,
                person=person,
            )
        )
    return out


def status_request_instants(session: Session, now: datetime, until: datetime) -> set[datetime]:
    """Future moments at which a status request becomes due (for exact-time jobs)."""
    instants: set[datetime] = set()
    for meeting, series in upcoming_meetings(session, now):
        tz = zone(series.timezone)
        ask_day = working_days_before(meeting.starts_at.astimezone(tz).date(), WORKING_DAYS_BEFORE)
        ws = session.get(Workspace, meeting.workspace_id)
        for person in _owners_of_previous(session, meeting):
            person_tz = zone(person.timezone or (ws.timezone if ws else series.timezone))
            moment = datetime.combine(ask_day, person.reminder_time, person_tz)
            if now < moment <= until:
                instants.add(moment)
    return instants


def _owners_of_previous(session: Session, meeting: Meeting) -> list[Person]:
    previous = meeting_repo.previous_meeting(session, meeting=meeting)
    if previous is None or previous.id is None:
        return []
    actions = action_repo.list_actions(
        session,
        workspace_id=meeting.workspace_id,
        meeting_id=previous.id,
        statuses=(ActionStatus.OPEN,),
        limit=1000,
    )
    owners = action_repo.owners_of(session, action_ids=[a.id for a in actions if a.id])
    return [p for people in owners.values() for p in people]
