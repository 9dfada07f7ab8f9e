"""Assignments (uppdrag), the parties responsible for them, their reports and follow-ups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from storage import audit
from storage.models import (
    Action,
    Assignment,
    AssignmentAction,
    AssignmentFollowUp,
    AssignmentParty,
    AssignmentReport,
    AssignmentStatus,
    PartyChair,
    PartyKind,
    PartyMember,
    Person,
    ReportKind,
    ResponsibleParty,
)

# Statuses of assignments that are still being worked on, and so asked about every year.
ACTIVE = (AssignmentStatus.ONGOING.value, AssignmentStatus.CHANGED.value)


# -- parties -------------------------------------------------------------------------------------


def parties_in(session: Session, /, *, workspace_id: int) -> list[ResponsibleParty]:
    """Return every responsible party of a workspace, by name."""
    stmt = (
        select(ResponsibleParty)
        .where(ResponsibleParty.workspace_id == workspace_id)
        .order_by(col(ResponsibleParty.name), col(ResponsibleParty.id))
    )
    return list(session.exec(stmt))


def get_party_by_name(
    session: Session, /, *, workspace_id: int, name: str
) -> ResponsibleParty | None:
    """Return the party with exactly this name (any case)."""
    wanted = " ".join(name.split()).casefold()
    for party in parties_in(session, workspace_id=workspace_id):
        if party.name.casefold() == wanted:
            return party
    return None


def match_party(session: Session, /, *, workspace_id: int, query: str) -> list[ResponsibleParty]:
    """Find parties whose name, or one of its words, starts with ``query``; exact names win."""
    q = query.casefold().strip()
    if not q:
        return []
    parties = parties_in(session, workspace_id=workspace_id)
    exact = [p for p in parties if p.name.casefold() == q]
    if exact:
        return exact
    return [
        p
        for p in parties
        if p.name.casefold().startswith(q)
        or any(w.startswith(q) for w in p.name.casefold().split())
    ]


def guess_kind(name: str) -> str:
    """A party's kind from its name: "…grupp…" a group, "…chef" a role, else an organisation."""
    folded = name.casefold()
    if "grupp" in folded:
        return PartyKind.GROUP.value
    if folded.endswith("chef") or folded.endswith("chefen"):
        return PartyKind.ROLE.value
    return PartyKind.ORGANISATION.value


def create_party(
    session: Session,
    /,
    *,
    workspace_id: int,
    name: str,
    kind: str,
    at: datetime,
    actor_id: int | None,
    contact_id: int | None = None,
) -> ResponsibleParty:
    """Store a new responsible party, audited."""
    party = ResponsibleParty(
        workspace_id=workspace_id,
        name=" ".join(name.split()),
        kind=kind,
        contact_id=contact_id,
        created_by_id=actor_id,
        created_at=at,
    )
    audit.record_created(
        session, party, entity="party", workspace_id=workspace_id, actor_id=actor_id, at=at
    )
    return party


def get_or_create_party(
    session: Session, /, *, workspace_id: int, name: str, at: datetime, actor_id: int | None
) -> tuple[ResponsibleParty, bool]:
    """Return the party of this name, creating it (kind guessed) if new; and whether it was."""
    found = get_party_by_name(session, workspace_id=workspace_id, name=name)
    if found is not None:
        return found, False
    party = create_party(
        session,
        workspace_id=workspace_id,
        name=name,
        kind=guess_kind(name),
        at=at,
        actor_id=actor_id,
    )
    return party, True


def _party_snap(session: Session, party: ResponsibleParty) -> dict[str, Any]:
    assert party.id is not None
    return audit.snapshot(
        party,
        member_ids=[p.id for p in members_of(session, party_id=party.id)],
        chairs=[audit.snapshot(c) for c in chairs_of(session, party_id=party.id)],
    )


def update_party(
    session: Session,
    /,
    *,
    party: ResponsibleParty,
    op: str,
    actor_id: int | None,
    at: datetime,
    contact_id: int | None = None,
    member_ids: list[int] | None = None,
    chair: tuple[int, str | None, int | None] | None = None,
) -> ResponsibleParty:
    """Change a party's contact, members or a year's chair, audited with before and after.

    Args:
        session: the open transaction.
        party: the party.
        op: the audit name of the change ("contact", "members", "chair").
        actor_id: who changed it.
        at: when.
        contact_id: the new contact person.
        member_ids: add these members (kept in order, repeats ignored).
        chair: (year, municipality, person id) of the chair for a year; replaces that year's.

    Returns:
        The party.
    """
    assert party.id is not None
    before = _party_snap(session, party)
    if contact_id is not None:
        party.contact_id = contact_id
    if member_ids is not None:
        links = list(session.exec(select(PartyMember).where(PartyMember.party_id == party.id)))
        have = {link.person_id for link in links}
        position = len(links)
        for pid in member_ids:
            if pid not in have:
                session.add(PartyMember(party_id=party.id, person_id=pid, position=position))
                have.add(pid)
                position += 1
    if chair is not None:
        year, municipality, person_id = chair
        stmt = select(PartyChair).where(PartyChair.party_id == party.id, PartyChair.year == year)
        row = session.exec(stmt).first() or PartyChair(party_id=party.id, year=year)
        row.municipality = municipality
        row.person_id = person_id
        session.add(row)
    session.add(party)
    session.flush()
    audit.record(
        session,
        workspace_id=party.workspace_id,
        actor_id=actor_id,
        entity="party",
        entity_id=party.id,
        op=op,
        at=at,
        before=before,
        after=_party_snap(session, party),
    )
    return party


def members_of(session: Session, /, *, party_id: int) -> list[Person]:
    """A group's members in the order they were added."""
    stmt = (
        select(Person)
        .join(PartyMember, col(PartyMember.person_id) == col(Person.id))
        .where(PartyMember.party_id == party_id)
        .order_by(col(PartyMember.position))
    )
    return list(session.exec(stmt))


def chairs_of(session: Session, /, *, party_id: int) -> list[PartyChair]:
    """A group's chairs by year."""
    stmt = select(PartyChair).where(PartyChair.party_id == party_id).order_by(col(PartyChair.year))
    return list(session.exec(stmt))


def contact_of(session: Session, party: ResponsibleParty, year: int) -> Person | None:
    """Whom to ask for a party's report: its contact person, else its chair of the year."""
    if party.contact_id is not None:
        return session.get(Person, party.contact_id)
    assert party.id is not None
    for chair in chairs_of(session, party_id=party.id):
        if chair.year == year and chair.person_id is not None:
            return session.get(Person, chair.person_id)
    return None


# -- assignments ---------------------------------------------------------------------------------


def _next_number(session: Session, workspace_id: int) -> int:
    # A no-op UPDATE holds the workspace row until commit, so two commands never take the same U.
    session.execute(text("UPDATE workspace SET name = name WHERE id = :id"), {"id": workspace_id})
    stmt = select(func.max(Assignment.number)).where(Assignment.workspace_id == workspace_id)
    return int(session.exec(stmt).one() or 0) + 1


def party_ids(session: Session, /, *, assignment_id: int) -> list[int]:
    """An assignment's parties' ids in the order they were named."""
    stmt = (
        select(AssignmentParty.party_id)
        .where(AssignmentParty.assignment_id == assignment_id)
        .order_by(col(AssignmentParty.position))
    )
    return list(session.exec(stmt))


def _snap(session: Session, assignment: Assignment) -> dict[str, Any]:
    assert assignment.id is not None
    return audit.snapshot(assignment, party_ids=party_ids(session, assignment_id=assignment.id))


def create_assignment(
    session: Session,
    /,
    *,
    workspace_id: int,
    text: str,
    party_ids: Iterable[int],
    at: datetime,
    created_by_id: int | None,
    section: str | None = None,
    origin: str | None = None,
    period: str | None = None,
    decision_id: int | None = None,
    source_ref: str | None = None,
    status: str = AssignmentStatus.ONGOING.value,
) -> Assignment:
    """Store an assignment with its responsible parties and an audit event.

    Args:
        session: the open transaction.
        workspace_id: the workspace.
        text: what the parties are to do.
        party_ids: who is responsible, in order.
        at: when (aware UTC).
        created_by_id: who entered it.
        section: the plan section it belongs to, as written in the plan.
        origin: where it came from when not a decision ("Verksamhetsplan 2023-2027").
        period: the years it covers ("2023-2027").
        decision_id: the decision (beslut) it came from.
        source_ref: an idempotency key (plan imports); the database refuses a second one.
        status: the starting status.

    Returns:
        The stored assignment.
    """
    assignment = Assignment(
        workspace_id=workspace_id,
        number=_next_number(session, workspace_id),
        text=text,
        status=status,
        section=section,
        origin=origin,
        period=period,
        decision_id=decision_id,
        source_ref=source_ref,
        created_by_id=created_by_id,
        created_at=at,
        updated_at=at,
    )
    session.add(assignment)
    session.flush()
    assert assignment.id is not None
    seen: set[int] = set()
    for position, pid in enumerate(party_ids):
        if pid not in seen:
            seen.add(pid)
            session.add(
                AssignmentParty(assignment_id=assignment.id, party_id=pid, position=position)
            )
    session.flush()
    audit.record(
        session,
        workspace_id=workspace_id,
        actor_id=created_by_id,
        entity="assignment",
        entity_id=assignment.id,
        op="create",
        at=at,
        after=_snap(session, assignment),
    )
    return assignment


def get_assignment(session: Session, /, *, workspace_id: int, number: int) -> Assignment | None:
    """Return the assignment shown as ``U<number>``."""
    stmt = select(Assignment).where(
        Assignment.workspace_id == workspace_id, Assignment.number == number
    )
    return session.exec(stmt).first()


def by_source_ref(session: Session, /, *, workspace_id: int, source_ref: str) -> Assignment | None:
    """Return the assignment an import stored under a key."""
    stmt = select(Assignment).where(
        Assignment.workspace_id == workspace_id, Assignment.source_ref == source_ref
    )
    return session.exec(stmt).first()


def list_assignments(
    session: Session,
    /,
    *,
    workspace_id: int,
    statuses: tuple[str, ...] | None = None,
    party_id: int | None = None,
) -> list[Assignment]:
    """Return assignments by number, optionally of some statuses or one party."""
    stmt = select(Assignment).where(Assignment.workspace_id == workspace_id)
    if statuses is not None:
        stmt = stmt.where(col(Assignment.status).in_(statuses))
    if party_id is not None:
        stmt = stmt.join(
            AssignmentParty, col(AssignmentParty.assignment_id) == col(Assignment.id)
        ).where(AssignmentParty.party_id == party_id)
    return list(session.exec(stmt.order_by(col(Assignment.number))))


def parties_of(
    session: Session, /, *, assignment_ids: list[int]
) -> dict[int, list[ResponsibleParty]]:
    """Each assignment's parties, in the order they were named."""
    result: dict[int, list[ResponsibleParty]] = defaultdict(list)
    if not assignment_ids:
        return result
    stmt = (
        select(AssignmentParty.assignment_id, ResponsibleParty)
        .join(ResponsibleParty, col(ResponsibleParty.id) == col(AssignmentParty.party_id))
        .where(col(AssignmentParty.assignment_id).in_(assignment_ids))
        .order_by(col(AssignmentParty.assignment_id), col(AssignmentParty.position))
    )
    for aid, party in session.exec(stmt):
        result[aid].append(party)
    return result


def add_report(
    session: Session,
    /,
    *,
    assignment: Assignment,
    kind: str,
    text: str,
    report_date: date,
    status: str | None,
    actor_id: int | None,
    at: datetime,
    party_id: int | None = None,
) -> AssignmentReport:
    """Add a dated entry to an assignment's history; a verdict also sets its status.

    Args:
        session: the open transaction.
        assignment: the assignment.
        kind: ``report`` (a group's, with a proposed status) or ``verdict`` (the KC group's).
        text: what was reported or commented (may be empty for a bare verdict).
        report_date: the date it counts for.
        status: the proposed status (report) or the new status (verdict).
        actor_id: who entered it.
        at: when.
        party_id: the party that reported.

    Returns:
        The stored entry.
    """
    assert assignment.id is not None
    before = _snap(session, assignment)
    entry = AssignmentReport(
        assignment_id=assignment.id,
        kind=kind,
        report_date=report_date,
        text=text,
        status=status,
        party_id=party_id,
        created_by_id=actor_id,
        created_at=at,
    )
    session.add(entry)
    if kind == ReportKind.VERDICT.value and status is not None:
        assignment.status = status
    assignment.updated_at = at
    session.add(assignment)
    session.flush()
    audit.record(
        session,
        workspace_id=assignment.workspace_id,
        actor_id=actor_id,
        entity="assignment",
        entity_id=assignment.id,
        op=kind,
        at=at,
        before=before,
        after={**_snap(session, assignment), "entry": audit.snapshot(entry)},
    )
    return entry


def reports_of(
    session: Session, /, *, assignment_ids: list[int]
) -> dict[int, list[AssignmentReport]]:
    """Each assignment's history, oldest first."""
    result: dict[int, list[AssignmentReport]] = defaultdict(list)
    if not assignment_ids:
        return result
    stmt = (
        select(AssignmentReport)
        .where(col(AssignmentReport.assignment_id).in_(assignment_ids))
        .order_by(col(AssignmentReport.report_date), col(AssignmentReport.id))
    )
    for entry in session.exec(stmt):
        result[entry.assignment_id].append(entry)
    return result


def link_action(
    session: Session,
    /,
    *,
    assignment: Assignment,
    action: Action,
    actor_id: int | None,
    at: datetime,
) -> bool:
    """Make an action part of an assignment (moving it from another); False if it already was."""
    assert assignment.id is not None and action.id is not None
    link = session.get(AssignmentAction, action.id)
    if link is not None and link.assignment_id == assignment.id:
        return False
    before = {"assignment_id": link.assignment_id} if link is not None else None
    if link is None:
        link = AssignmentAction(action_id=action.id, assignment_id=assignment.id)
    link.assignment_id = assignment.id
    session.add(link)
    session.flush()
    audit.record(
        session,
        workspace_id=action.workspace_id,
        actor_id=actor_id,
        entity="action",
        entity_id=action.id,
        op="assignment",
        at=at,
        before=before,
        after={"assignment_id": assignment.id, "assignment_number": assignment.number},
    )
    return True


def actions_of(session: Session, /, *, assignment_id: int) -> list[Action]:
    """The actions carried out under an assignment, by number."""
    stmt = (
        select(Action)
        .join(AssignmentAction, col(AssignmentAction.action_id) == col(Action.id))
        .where(AssignmentAction.assignment_id == assignment_id)
        .order_by(col(Action.number))
    )
    return list(session.exec(stmt))


def assignment_of_action(session: Session, /, *, action_id: int) -> Assignment | None:
    """The assignment an action belongs to, if any."""
    link = session.get(AssignmentAction, action_id)
    return session.get(Assignment, link.assignment_id) if link is not None else None


# -- follow-ups ----------------------------------------------------------------------------------


def followups_in(
    session: Session, /, *, workspace_id: int | None = None
) -> list[AssignmentFollowUp]:
    """Every follow-up (of one workspace, or all), oldest first."""
    stmt = select(AssignmentFollowUp)
    if workspace_id is not None:
        stmt = stmt.where(AssignmentFollowUp.workspace_id == workspace_id)
    return list(session.exec(stmt.order_by(col(AssignmentFollowUp.id))))


def followup_of_meeting(session: Session, /, *, meeting_id: int) -> AssignmentFollowUp | None:
    """The follow-up held at a meeting, if it is one."""
    stmt = select(AssignmentFollowUp).where(AssignmentFollowUp.meeting_id == meeting_id)
    return session.exec(stmt).first()
