"""Write parsed minutes into the register through the repository functions.

Idempotent: the meeting is found again by series and date, items by number, and every
action and decision carries a ``source_ref`` built from series, date, item and position,
so importing the same file twice changes nothing, and importing a later export of the
same meeting only adds what is new (more actions, more follow-up notes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from storage import actions as action_repo
from storage import audit
from storage import decisions as decision_repo
from storage import meetings as meeting_repo
from storage import people as people_repo
from storage.minutes_import.parse import ParsedMeeting, name_key
from storage.models import (
    Action,
    ActionNote,
    Decision,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    ParticipantRole,
    Person,
)

DEFAULT_SERIES = "KC-möte"
DEFAULT_START = time(9, 0)
# Actions from minutes of a meeting held longer ago than this before the import are history:
# nobody wants a morning DM about a 2016 action because the old minutes were brought in.
HISTORY_AFTER_DAYS = 30


def is_history(meeting_day: date, at: datetime, timezone: str = "Europe/Stockholm") -> bool:
    """True when actions of a meeting on ``meeting_day`` imported at ``at`` are history."""
    return (at.astimezone(ZoneInfo(timezone)).date() - meeting_day).days > HISTORY_AFTER_DAYS


class ImportProblem(ValueError):
    """The file cannot be imported (no meeting date)."""


@dataclass
class LoadResult:
    """What one import added (zeros on a repeated import)."""

    meeting_id: int
    meeting_created: bool
    items: int = 0
    actions: int = 0
    history: int = 0
    decisions: int = 0
    notes: int = 0
    participants: int = 0
    people: int = 0

    @property
    def changed(self) -> bool:
        """True when anything was written."""
        return bool(
            self.meeting_created
            or self.items
            or self.actions
            or self.decisions
            or self.notes
            or self.participants
        )


class _People:
    """Find people by name however the old tool spelled it; create name-only ones."""

    def __init__(self, session: Session, workspace_id: int, at: datetime) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.at = at
        self.created = 0
        self.by_key: dict[str, Person] = {}
        for person in people_repo.people_in(session, workspace_id=workspace_id):
            self.by_key.setdefault(name_key(person.display_name), person)

    def get(self, name: str) -> Person:
        key = name_key(name)
        found = self.by_key.get(key)
        if found is not None:
            return found
        person = Person(
            workspace_id=self.workspace_id, display_name=name.strip(), created_at=self.at
        )
        self.session.add(person)
        self.session.flush()
        self.by_key[key] = person
        self.created += 1
        return person


def _find_meeting(
    session: Session, *, series_id: int, parsed: ParsedMeeting, tz: ZoneInfo
) -> Meeting | None:
    for meeting in meeting_repo.meetings_of_series(session, series_ids=[series_id]):
        if (
            meeting.status != MeetingStatus.CANCELLED
            and meeting.starts_at.astimezone(tz).date() == parsed.day
        ):
            return meeting
    return None


def _by_ref(session: Session, model: type[Action] | type[Decision], workspace_id: int, ref: str):  # type: ignore[no-untyped-def]
    stmt = select(model).where(model.workspace_id == workspace_id, model.source_ref == ref)
    return session.exec(stmt).first()


def load_minutes(
    session: Session,
    parsed: ParsedMeeting,
    *,
    workspace_id: int,
    series_name: str = DEFAULT_SERIES,
    at: datetime,
    source: str = "",
    timezone: str = "Europe/Stockholm",
) -> LoadResult:
    """Store one parsed file in the caller's transaction.

    Args:
        session: the open transaction.
        parsed: the parsed minutes.
        workspace_id: the workspace to import into.
        series_name: the meeting series the meeting belongs to (created if new).
        at: when the import happens (aware UTC), recorded in the audit trail.
        source: the file name, for the audit trail.
        timezone: the zone the minutes' times are in.

    Returns:
        What was added.

    Raises:
        ImportProblem: the file has no meeting date.
    """
    if parsed.day is None:
        raise ImportProblem("hittade inget mötesdatum")
    tz = ZoneInfo(timezone)
    series = meeting_repo.get_or_create_series(
        session,
        workspace_id=workspace_id,
        name=series_name,
        channel_id=None,
        at=at,
        timezone=timezone,
    )
    assert series.id is not None
    meeting = _find_meeting(session, series_id=series.id, parsed=parsed, tz=tz)
    created = meeting is None
    if meeting is None:
        start = parsed.start or series.start_time or DEFAULT_START
        # Created outside the series first so it does not adopt items proposed for the
        # series' next meeting; then attached to it.
        meeting = meeting_repo.create_meeting(
            session,
            workspace_id=workspace_id,
            series_id=None,
            starts_at=datetime.combine(parsed.day, start, tz),
            ends_at=datetime.combine(parsed.day, parsed.end, tz) if parsed.end else None,
            place=parsed.place,
            at=at,
            status=MeetingStatus.ENDED,
        )
        meeting.series_id = series.id
        meeting.title = parsed.title[:300] if parsed.title else None
        session.add(meeting)
        session.flush()
    assert meeting.id is not None
    result = LoadResult(meeting_id=meeting.id, meeting_created=created)
    who = _People(session, workspace_id, at)

    for p in parsed.participants:
        person = who.get(p.name)
        assert person.id is not None
        key = (meeting.id, person.id, p.role)
        if session.get(MeetingParticipant, key) is None:
            session.add(
                MeetingParticipant(
                    meeting_id=meeting.id,
                    person_id=person.id,
                    role=ParticipantRole(p.role),
                    municipality=(p.municipality or None) and p.municipality[:100],
                    title=(p.title or None) and p.title[:100],
                )
            )
            session.flush()
            result.participants += 1

    prefix = f"minutes:{series.id}:{parsed.day.isoformat()}"
    as_history = is_history(parsed.day, at, timezone)
    for parsed_item in parsed.items:
        item = meeting_repo.find_item(session, meeting_id=meeting.id, number=parsed_item.number)
        if item is None:
            item = meeting_repo.add_item(
                session,
                workspace_id=workspace_id,
                meeting_id=meeting.id,
                series_id=series.id,
                number=parsed_item.number,
                title=parsed_item.title[:500],
                at=at,
                presenter_name=parsed_item.presenter[:200] if parsed_item.presenter else None,
                description="\n\n".join(parsed_item.description) or None,
                notes="\n\n".join(parsed_item.notes) or None,
                attachments=parsed_item.attachments,
            )
            result.items += 1
        assert item.id is not None
        for pos, pa in enumerate(parsed_item.actions, start=1):
            ref = f"{prefix}:{parsed_item.number}:a{pos}"
            action = _by_ref(session, Action, workspace_id, ref)
            if action is None:
                owner = who.get(pa.owner) if pa.owner else None
                action = action_repo.create_action(
                    session,
                    workspace_id=workspace_id,
                    text=pa.text[:2000],
                    owner_ids=[owner.id] if owner is not None and owner.id is not None else [],
                    due_date=pa.due,
                    at=at,
                    created_by_id=None,
                    meeting_id=meeting.id,
                    item_id=item.id,
                    source_ref=ref,
                    history=as_history,
                )
                result.actions += 1
                result.history += as_history
            assert action.id is not None
            have = {
                (n.note_date, n.text)
                for n in session.exec(select(ActionNote).where(ActionNote.action_id == action.id))
            }
            for note in pa.notes:
                if (note.day, note.text[:4000]) in have:
                    continue
                action_repo.add_note(
                    session,
                    action=action,
                    text=note.text[:4000],
                    note_date=note.day,
                    actor_id=None,
                    at=at,
                )
                have.add((note.day, note.text[:4000]))
                result.notes += 1
        for pos, text in enumerate(parsed_item.decisions, start=1):
            ref = f"{prefix}:{parsed_item.number}:d{pos}"
            if _by_ref(session, Decision, workspace_id, ref) is None:
                decision_repo.create_decision(
                    session,
                    workspace_id=workspace_id,
                    text=text[:4000],
                    at=at,
                    recorded_by_id=None,
                    meeting_id=meeting.id,
                    item_id=item.id,
                    source_ref=ref,
                )
                result.decisions += 1
    result.people = who.created
    if result.changed:
        audit.record(
            session,
            workspace_id=workspace_id,
            actor_id=None,
            entity="meeting",
            entity_id=meeting.id,
            op="import",
            at=at,
            after={
                "source": source,
                "meeting": audit.snapshot(meeting),
                "items": result.items,
                "actions": result.actions,
                "history": result.history,
                "decisions": result.decisions,
                "notes": result.notes,
                "participants": result.participants,
            },
        )
    return result
