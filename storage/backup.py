"""Export of the whole register to JSON (and actions to CSV), and restore from JSON.

The format is documented in docs/export-format.md. Primary keys are kept, so a
restore into an empty database followed by an export gives the same document.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import text
from sqlmodel import Session, SQLModel, col, select

from storage.backup_assignments import (
    ASSIGNMENT_KEYS,
    ASSIGNMENT_TABLES,
    export_assignments,
    restore_assignments,
)
from storage.models import (
    Action,
    ActionNote,
    ActionOwner,
    AgendaItem,
    AuditEvent,
    ConversationRef,
    Decision,
    Meeting,
    MeetingParticipant,
    MeetingSeries,
    Person,
    SeriesOccurrence,
    Workspace,
)

SCHEMA_VERSION = 1
_T = TypeVar("_T", bound=SQLModel)


class RestoreError(ValueError):
    """The file cannot be restored (wrong version, not empty database, bad shape)."""


def _dump(obj: SQLModel, *, exclude: set[str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = obj.model_dump(mode="json", exclude=exclude)
    return data


def _rows(session: Session, model: type[_T], *where: Any) -> list[_T]:
    stmt = select(model).where(*where) if where else select(model)
    return list(session.exec(stmt.order_by(*[c for c in model.__table__.primary_key.columns])))  # type: ignore[attr-defined]


def export_data(session: Session, *, exported_at: datetime) -> dict[str, Any]:
    """Return the whole register as one JSON-ready document."""
    workspaces = []
    people_by_id: dict[int, Person] = {p.id: p for p in _rows(session, Person) if p.id is not None}
    for ws in _rows(session, Workspace):
        wid = ws.id
        doc = _dump(ws)
        doc["people"] = [
            _dump(p, exclude={"workspace_id"})
            for p in _rows(session, Person, Person.workspace_id == wid)
        ]
        series = _rows(session, MeetingSeries, MeetingSeries.workspace_id == wid)
        doc["series"] = []
        for s in series:
            sdoc = _dump(s, exclude={"workspace_id"})
            sdoc["pending_items"] = [
                _dump(i, exclude={"workspace_id"})
                for i in _rows(
                    session,
                    AgendaItem,
                    AgendaItem.series_id == s.id,
                    col(AgendaItem.meeting_id).is_(None),
                )
            ]
            # Which dates of the rule already became meetings, so a restored register
            # never plans again an occurrence that was moved or cancelled.
            sdoc["occurrences"] = [
                _dump(o, exclude={"series_id"})
                for o in _rows(session, SeriesOccurrence, SeriesOccurrence.series_id == s.id)
            ]
            doc["series"].append(sdoc)
        doc["meetings"] = []
        items_by_id: dict[int, AgendaItem] = {}
        for m in _rows(session, Meeting, Meeting.workspace_id == wid):
            mdoc = _dump(m, exclude={"workspace_id"})
            items = sorted(
                _rows(session, AgendaItem, AgendaItem.meeting_id == m.id),
                key=lambda i: (i.sort_key, i.id or 0),
            )
            items_by_id.update({i.id: i for i in items if i.id is not None})
            mdoc["items"] = [_dump(i, exclude={"workspace_id"}) for i in items]
            mdoc["participants"] = [
                _dump(p, exclude={"meeting_id"})
                for p in _rows(session, MeetingParticipant, MeetingParticipant.meeting_id == m.id)
            ]
            doc["meetings"].append(mdoc)
        doc["actions"] = []
        for a in _rows(session, Action, Action.workspace_id == wid):
            adoc = _dump(a, exclude={"workspace_id"})
            item = items_by_id.get(a.item_id or -1)
            adoc["item_number"] = item.number if item else None
            links = sorted(
                _rows(session, ActionOwner, ActionOwner.action_id == a.id), key=lambda o: o.position
            )
            adoc["owners"] = [
                {"id": o.person_id, "name": people_by_id[o.person_id].display_name} for o in links
            ]
            adoc["notes"] = [
                _dump(n, exclude={"action_id"})
                for n in _rows(session, ActionNote, ActionNote.action_id == a.id)
            ]
            doc["actions"].append(adoc)
        doc["decisions"] = []
        for d in _rows(session, Decision, Decision.workspace_id == wid):
            ddoc = _dump(d, exclude={"workspace_id"})
            item = items_by_id.get(d.item_id or -1)
            ddoc["item_number"] = item.number if item else None
            doc["decisions"].append(ddoc)
        doc.update(export_assignments(session, wid))
        doc["audit_events"] = [
            _dump(e, exclude={"workspace_id"})
            for e in _rows(session, AuditEvent, AuditEvent.workspace_id == wid)
        ]
        # Where the bot may write first (Teams): without them a restored register could not
        # DM anyone until they wrote to the bot again. They hold no secret (no token).
        doc["conversation_refs"] = [
            _dump(r, exclude={"workspace_id"})
            for r in _rows(session, ConversationRef, ConversationRef.workspace_id == wid)
        ]
        workspaces.append(doc)
    return {
        "schema_version": SCHEMA_VERSION,
        "exported_at": exported_at.isoformat(),
        "workspaces": workspaces,
    }


def _plain(doc: dict[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in drop}


def is_empty(session: Session) -> bool:
    """True when the register holds no workspace yet."""
    return session.exec(select(Workspace)).first() is None


def restore_data(session: Session, data: dict[str, Any]) -> dict[str, int]:
    """Load an export into an empty database, keeping every id.

    Args:
        session: an open transaction on an empty, upgraded database.
        data: the parsed JSON document.

    Returns:
        Counts of what was restored, by kind.

    Raises:
        RestoreError: wrong schema version, a non-empty database, or a malformed document.
    """
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        raise RestoreError(f"schema_version must be {SCHEMA_VERSION}")
    if not is_empty(session):
        raise RestoreError("the database is not empty")
    counts = dict.fromkeys(
        (
            "workspaces",
            "people",
            "meetings",
            "items",
            "actions",
            "decisions",
            "conversation_refs",
        ),
        0,
    )
    try:
        for ws in data["workspaces"]:
            workspace = Workspace.model_validate(
                _plain(
                    ws,
                    "people",
                    "series",
                    "meetings",
                    "actions",
                    "decisions",
                    "audit_events",
                    *ASSIGNMENT_KEYS,
                    "conversation_refs",
                )
            )
            session.add(workspace)
            session.flush()
            wid = workspace.id
            counts["workspaces"] += 1
            for p in ws["people"]:
                session.add(Person.model_validate({**p, "workspace_id": wid}))
                counts["people"] += 1
            session.flush()
            for s in ws["series"]:
                session.add(
                    MeetingSeries.model_validate(
                        {**_plain(s, "pending_items", "occurrences"), "workspace_id": wid}
                    )
                )
            session.flush()
            for m in ws["meetings"]:
                session.add(
                    Meeting.model_validate(
                        {**_plain(m, "items", "participants"), "workspace_id": wid}
                    )
                )
                counts["meetings"] += 1
            session.flush()
            for m in ws["meetings"]:
                for i in m["items"]:
                    session.add(AgendaItem.model_validate({**i, "workspace_id": wid}))
                    counts["items"] += 1
                for p in m["participants"]:
                    session.add(MeetingParticipant.model_validate({**p, "meeting_id": m["id"]}))
            for s in ws["series"]:
                for i in s["pending_items"]:
                    session.add(AgendaItem.model_validate({**i, "workspace_id": wid}))
                    counts["items"] += 1
                # Absent from exports made before they were included (schema_version 1 too).
                for o in s.get("occurrences", []):
                    session.add(SeriesOccurrence.model_validate({**o, "series_id": s["id"]}))
            session.flush()
            for a in ws["actions"]:
                session.add(
                    Action.model_validate(
                        {**_plain(a, "owners", "notes", "item_number"), "workspace_id": wid}
                    )
                )
                counts["actions"] += 1
            session.flush()
            for a in ws["actions"]:
                for pos, owner in enumerate(a["owners"]):
                    session.add(ActionOwner(action_id=a["id"], person_id=owner["id"], position=pos))
                for n in a["notes"]:
                    session.add(ActionNote.model_validate({**n, "action_id": a["id"]}))
            for d in sorted(ws["decisions"], key=lambda d: d["id"]):
                session.add(
                    Decision.model_validate({**_plain(d, "item_number"), "workspace_id": wid})
                )
                session.flush()
                counts["decisions"] += 1
            counts["assignments"] = counts.get("assignments", 0) + restore_assignments(
                session, ws, wid
            )
            for e in ws["audit_events"]:
                session.add(AuditEvent.model_validate({**e, "workspace_id": wid}))
            for r in ws.get("conversation_refs", []):
                session.add(ConversationRef.model_validate({**r, "workspace_id": wid}))
                counts["conversation_refs"] += 1
            session.flush()
    except (KeyError, TypeError, ValueError) as err:
        raise RestoreError(f"malformed export: {err}") from err
    _reset_sequences(session)
    return counts


def _reset_sequences(session: Session) -> None:
    """After explicit ids, move PostgreSQL's sequences past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in (
        "workspace",
        "person",
        "meeting_series",
        "meeting",
        "agenda_item",
        "action",
        "action_note",
        "decision",
        "audit_event",
        *ASSIGNMENT_TABLES,
        "series_occurrence",
        "conversation_ref",
    ):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
            )
        )


CSV_COLUMNS = (
    "workspace",
    "number",
    "text",
    "owners",
    "due_date",
    "status",
    "meeting_date",
    "item",
    "created_at",
    "done_at",
    "latest_note",
)


def export_actions_csv(data: dict[str, Any]) -> str:
    """Render the actions of an export document as CSV for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for ws in data["workspaces"]:
        meetings = {m["id"]: m for m in ws["meetings"]}
        for a in ws["actions"]:
            meeting = meetings.get(a["meeting_id"])
            notes = a["notes"]
            writer.writerow(
                (
                    ws["external_id"],
                    a["number"],
                    a["text"],
                    "; ".join(o["name"] for o in a["owners"]),
                    a["due_date"] or "",
                    a["status"],
                    meeting["starts_at"][:10] if meeting else "",
                    a["item_number"] or "",
                    a["created_at"],
                    a["done_at"] or "",
                    f"{notes[-1]['note_date']}: {notes[-1]['text']}" if notes else "",
                )
            )
    return out.getvalue()
