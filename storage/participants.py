"""Who took part in a meeting and in what role, as the minutes' header shows it.

One model serves the chat commands (``/meeting beslutande @a (Vännäs)``) and the
import of old minutes: a :class:`MeetingParticipant` row per person and role, the
municipality, and a free ``title`` whose comma-separated parts carry the meeting
functions (``ordförande``, ``vice ordförande``, ``sekreterare``, ``justerare``)
beside anything else the minutes said ("tf kommunchef").

Beslutande, ersättare, övriga närvarande and anmäld frånvaro exclude one another
(a person is in one of them); deltagare (the invitation list) and organisatör stand
beside them.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage import audit
from storage.models import Meeting, MeetingParticipant, ParticipantRole, Person

CHAIR = "ordförande"
VICE_CHAIR = "vice ordförande"
SECRETARY = "sekreterare"
ADJUSTER = "justerare"
FUNCTIONS = (CHAIR, VICE_CHAIR, SECRETARY, ADJUSTER)
# One person holds each of these; justerare may be two.
SINGLE_HOLDER = frozenset({CHAIR, VICE_CHAIR, SECRETARY})

ATTENDANCE = (
    ParticipantRole.VOTING.value,
    ParticipantRole.SUBSTITUTE.value,
    ParticipantRole.OTHER.value,
    ParticipantRole.ABSENT.value,
)
# Where a function's holder goes when not yet recorded, as in the old minutes.
_FUNCTION_HOME = {
    CHAIR: ParticipantRole.VOTING.value,
    VICE_CHAIR: ParticipantRole.VOTING.value,
    ADJUSTER: ParticipantRole.VOTING.value,
    SECRETARY: ParticipantRole.OTHER.value,
}
_CHAIR_RE = re.compile(r"(?<!vice )\bordförande\b")
MAX_FIELD = 100


def functions_in(title: str | None) -> set[str]:
    """The meeting functions a participant's title names.

    >>> sorted(functions_in("föredragande och sekreterare"))
    ['sekreterare']
    """
    low = " ".join((title or "").casefold().split())
    found = set()
    if VICE_CHAIR in low:
        found.add(VICE_CHAIR)
    if _CHAIR_RE.search(low.replace("vice-ordförande", VICE_CHAIR)):
        found.add(CHAIR)
    if SECRETARY in low:
        found.add(SECRETARY)
    if ADJUSTER in low:
        found.add(ADJUSTER)
    return found


def _parts(title: str | None) -> list[str]:
    return [p.strip() for p in (title or "").split(",") if p.strip()]


def with_function(title: str | None, function: str) -> str:
    """The title with a function added (unchanged if it already names it)."""
    if function in functions_in(title):
        return title or function
    return ", ".join([*_parts(title), function])[:MAX_FIELD]


def without_function(title: str | None, function: str) -> str | None:
    """The title with a function's own part taken out."""
    kept = [p for p in _parts(title) if p.casefold() != function]
    return ", ".join(kept) or None


def participants_of(
    session: Session, /, *, meeting_id: int
) -> list[tuple[MeetingParticipant, Person]]:
    """Every participant row of a meeting with its person, by name."""
    stmt = (
        select(MeetingParticipant, Person)
        .join(Person, col(Person.id) == col(MeetingParticipant.person_id))
        .where(MeetingParticipant.meeting_id == meeting_id)
        .order_by(col(Person.display_name), col(MeetingParticipant.role))
    )
    return [(part, person) for part, person in session.exec(stmt)]


def _snapshot(session: Session, meeting_id: int) -> list[dict[str, Any]]:
    return [
        {"person_id": p.person_id, "role": p.role, "municipality": p.municipality, "title": p.title}
        for p, _ in participants_of(session, meeting_id=meeting_id)
    ]


def _audit(
    session: Session,
    meeting: Meeting,
    before: list[dict[str, Any]],
    *,
    actor_id: int | None,
    at: datetime,
) -> None:
    assert meeting.id is not None
    session.flush()
    audit.record(
        session,
        workspace_id=meeting.workspace_id,
        actor_id=actor_id,
        entity="meeting",
        entity_id=meeting.id,
        op="participants",
        at=at,
        before={"participants": before},
        after={"participants": _snapshot(session, meeting.id)},
    )


def _rows_of(session: Session, meeting_id: int, person_id: int) -> list[MeetingParticipant]:
    stmt = select(MeetingParticipant).where(
        MeetingParticipant.meeting_id == meeting_id, MeetingParticipant.person_id == person_id
    )
    return list(session.exec(stmt))


def set_role(
    session: Session,
    /,
    *,
    meeting: Meeting,
    person: Person,
    role: str,
    municipality: str | None,
    title: str | None,
    actor_id: int | None,
    at: datetime,
) -> str | None:
    """Record a person in a role, audited.

    An attendance role (beslutande, ersättare, övriga, frånvaro) replaces the
    person's other attendance role, keeping its municipality and title unless new
    ones are given.

    Returns:
        The attendance role the person was moved from, if any.
    """
    assert meeting.id is not None and person.id is not None
    before = _snapshot(session, meeting.id)
    rows = _rows_of(session, meeting.id, person.id)
    moved_from = None
    kept_municipality = None
    kept_title = None
    if role in ATTENDANCE:
        for old in rows:
            if old.role in ATTENDANCE and old.role != role:
                moved_from = old.role
                kept_municipality = kept_municipality or old.municipality
                kept_title = kept_title or old.title
                session.delete(old)
        session.flush()
    row = session.get(MeetingParticipant, (meeting.id, person.id, role))
    if row is None:
        row = MeetingParticipant(
            meeting_id=meeting.id,
            person_id=person.id,
            role=ParticipantRole(role),
            municipality=kept_municipality,
            title=kept_title,
        )
    if municipality:
        row.municipality = municipality[:MAX_FIELD]
    if title:
        row.title = title[:MAX_FIELD]
    session.add(row)
    _audit(session, meeting, before, actor_id=actor_id, at=at)
    return moved_from


def remove_role(
    session: Session,
    /,
    *,
    meeting: Meeting,
    person: Person,
    role: str,
    actor_id: int | None,
    at: datetime,
) -> bool:
    """Take a person out of a role, audited; False if they were not in it."""
    assert meeting.id is not None and person.id is not None
    row = session.get(MeetingParticipant, (meeting.id, person.id, role))
    if row is None:
        return False
    before = _snapshot(session, meeting.id)
    session.delete(row)
    _audit(session, meeting, before, actor_id=actor_id, at=at)
    return True


def holders(session: Session, /, *, meeting_id: int, function: str) -> list[Person]:
    """Who holds a function at a meeting, by name."""
    seen: dict[int | None, Person] = {}
    for part, person in participants_of(session, meeting_id=meeting_id):
        if function in functions_in(part.title):
            seen.setdefault(person.id, person)
    return list(seen.values())


def set_function(
    session: Session,
    /,
    *,
    meeting: Meeting,
    person: Person,
    function: str,
    actor_id: int | None,
    at: datetime,
) -> list[Person]:
    """Give a person a meeting function, audited.

    The function goes on the person's attendance row (created in the role the old
    minutes used: beslutande for the chair and justerare, övriga for the
    secretary). Ordförande, vice ordförande and sekreterare have one holder, so an
    earlier holder loses it.

    Returns:
        The people who no longer hold the function.
    """
    assert meeting.id is not None and person.id is not None
    before = _snapshot(session, meeting.id)
    replaced: list[Person] = []
    if function in SINGLE_HOLDER:
        for part, other in participants_of(session, meeting_id=meeting.id):
            if other.id != person.id and function in functions_in(part.title):
                part.title = without_function(part.title, function)
                session.add(part)
                if all(p.id != other.id for p in replaced):
                    replaced.append(other)
    rows = _rows_of(session, meeting.id, person.id)
    # The chair is not also the vice chair.
    other_chair = {CHAIR: VICE_CHAIR, VICE_CHAIR: CHAIR}.get(function)
    for row in rows:
        if other_chair is not None and other_chair in functions_in(row.title):
            row.title = without_function(row.title, other_chair)
            session.add(row)
    if any(function in functions_in(r.title) for r in rows):
        session.flush()
        _audit(session, meeting, before, actor_id=actor_id, at=at)
        return replaced
    target = next((r for role in ATTENDANCE for r in rows if r.role == role), None)
    if target is None or target.role == ParticipantRole.ABSENT.value:
        if target is not None:
            session.delete(target)
            session.flush()
        target = MeetingParticipant(
            meeting_id=meeting.id,
            person_id=person.id,
            role=ParticipantRole(_FUNCTION_HOME[function]),
            municipality=target.municipality if target is not None else None,
            title=target.title if target is not None else None,
        )
    target.title = with_function(target.title, function)
    session.add(target)
    _audit(session, meeting, before, actor_id=actor_id, at=at)
    return replaced


def remove_function(
    session: Session,
    /,
    *,
    meeting: Meeting,
    person: Person,
    function: str,
    actor_id: int | None,
    at: datetime,
) -> bool:
    """Take a function from a person, audited; False if they did not hold it."""
    assert meeting.id is not None and person.id is not None
    before = _snapshot(session, meeting.id)
    changed = False
    for row in _rows_of(session, meeting.id, person.id):
        if function in functions_in(row.title):
            row.title = without_function(row.title, function)
            session.add(row)
            changed = True
    if changed:
        _audit(session, meeting, before, actor_id=actor_id, at=at)
    return changed
