"""The assignment register's part of the JSON export (schema_version 1, added fields only).

Per workspace: ``parties`` (with ``member_ids`` and ``chairs``), ``assignments`` (with
``party_ids``, ``reports`` and ``action_ids``) and ``assignment_followups``. Ids are kept, so a
restore followed by an export gives the same document. Exports made before these keys existed
restore with none.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from storage.models import (
    Assignment,
    AssignmentAction,
    AssignmentFollowUp,
    AssignmentParty,
    AssignmentReport,
    PartyChair,
    PartyMember,
    ResponsibleParty,
)

ASSIGNMENT_KEYS = ("parties", "assignments", "assignment_followups")
ASSIGNMENT_TABLES = (
    "responsible_party",
    "party_chair",
    "assignment",
    "assignment_report",
    "assignment_followup",
)


def export_assignments(session: Session, workspace_id: int | None) -> dict[str, Any]:
    """The workspace's parties, assignments and follow-ups as export sections."""
    parties = []
    stmt = (
        select(ResponsibleParty)
        .where(ResponsibleParty.workspace_id == workspace_id)
        .order_by(col(ResponsibleParty.id))
    )
    for party in session.exec(stmt):
        doc: dict[str, Any] = party.model_dump(mode="json", exclude={"workspace_id"})
        members = session.exec(
            select(PartyMember)
            .where(PartyMember.party_id == party.id)
            .order_by(col(PartyMember.position))
        )
        doc["member_ids"] = [m.person_id for m in members]
        chairs = session.exec(
            select(PartyChair).where(PartyChair.party_id == party.id).order_by(col(PartyChair.id))
        )
        doc["chairs"] = [c.model_dump(mode="json", exclude={"party_id"}) for c in chairs]
        parties.append(doc)
    assignments = []
    stmt_a = (
        select(Assignment)
        .where(Assignment.workspace_id == workspace_id)
        .order_by(col(Assignment.id))
    )
    for assignment in session.exec(stmt_a):
        adoc: dict[str, Any] = assignment.model_dump(mode="json", exclude={"workspace_id"})
        links = session.exec(
            select(AssignmentParty)
            .where(AssignmentParty.assignment_id == assignment.id)
            .order_by(col(AssignmentParty.position))
        )
        adoc["party_ids"] = [link.party_id for link in links]
        reports = session.exec(
            select(AssignmentReport)
            .where(AssignmentReport.assignment_id == assignment.id)
            .order_by(col(AssignmentReport.id))
        )
        adoc["reports"] = [r.model_dump(mode="json", exclude={"assignment_id"}) for r in reports]
        actions = session.exec(
            select(AssignmentAction)
            .where(AssignmentAction.assignment_id == assignment.id)
            .order_by(col(AssignmentAction.action_id))
        )
        adoc["action_ids"] = [a.action_id for a in actions]
        assignments.append(adoc)
    followups = session.exec(
        select(AssignmentFollowUp)
        .where(AssignmentFollowUp.workspace_id == workspace_id)
        .order_by(col(AssignmentFollowUp.id))
    )
    return {
        "parties": parties,
        "assignments": assignments,
        "assignment_followups": [
            f.model_dump(mode="json", exclude={"workspace_id"}) for f in followups
        ],
    }


def _plain(doc: dict[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in drop}


def restore_assignments(session: Session, ws: dict[str, Any], workspace_id: int | None) -> int:
    """Load the sections into the session (after people, meetings, actions and decisions).

    Returns:
        How many assignments were restored.
    """
    for p in ws.get("parties", []):
        session.add(
            ResponsibleParty.model_validate(
                {**_plain(p, "member_ids", "chairs"), "workspace_id": workspace_id}
            )
        )
    session.flush()
    for p in ws.get("parties", []):
        for pos, pid in enumerate(p["member_ids"]):
            session.add(PartyMember(party_id=p["id"], person_id=pid, position=pos))
        for c in p["chairs"]:
            session.add(PartyChair.model_validate({**c, "party_id": p["id"]}))
    count = 0
    for a in ws.get("assignments", []):
        session.add(
            Assignment.model_validate(
                {**_plain(a, "party_ids", "reports", "action_ids"), "workspace_id": workspace_id}
            )
        )
        count += 1
    session.flush()
    for a in ws.get("assignments", []):
        for pos, pid in enumerate(a["party_ids"]):
            session.add(AssignmentParty(assignment_id=a["id"], party_id=pid, position=pos))
        for r in a["reports"]:
            session.add(AssignmentReport.model_validate({**r, "assignment_id": a["id"]}))
        for action_id in a["action_ids"]:
            session.add(AssignmentAction(action_id=action_id, assignment_id=a["id"]))
    for f in ws.get("assignment_followups", []):
        session.add(AssignmentFollowUp.model_validate({**f, "workspace_id": workspace_id}))
    session.flush()
    return count
