"""The audit trail: every change to the register, with who and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert
from sqlmodel import Session, SQLModel, col, select

from storage.models import AuditEvent


def snapshot(obj: SQLModel, **extra: Any) -> dict[str, Any]:
    """Return a JSON-safe copy of a record's fields, plus extra keys such as owners."""
    data: dict[str, Any] = obj.model_dump(mode="json")
    data.update(extra)
    return data


_INSERT = insert(AuditEvent.__table__)  # type: ignore[attr-defined]


def record(
    session: Session,
    /,
    *,
    workspace_id: int | None,
    actor_id: int | None,
    entity: str,
    entity_id: int,
    op: str,
    at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at_once: bool = False,
) -> None:
    """Add an audit event to the session's transaction.

    Args:
        session: the open transaction the change itself is part of.
        workspace_id: the workspace of the record.
        actor_id: the person who made the change, if known.
        entity: the kind of record ("action", "decision", "meeting", ...).
        entity_id: the record's primary key.
        op: what happened ("create", "done", "due", ...).
        at: when (aware UTC).
        before: the record before the change.
        after: the record after the change.
        at_once: written straight away on the transaction's connection, as no object
            (the command path, where the flush it would need costs more than the statement).
    """
    row: dict[str, Any] = {
        "workspace_id": workspace_id,
        "actor_id": actor_id,
        "at": at,
        "entity": entity,
        "entity_id": entity_id,
        "op": op,
        "before": before,
        "after": after,
    }
    if at_once:
        session.connection().execute(_INSERT, row)
    else:
        session.add(AuditEvent(**row))


class _Keyed(Protocol):
    id: int | None


def record_created(
    session: Session,
    obj: _Keyed,
    /,
    *,
    entity: str,
    workspace_id: int | None,
    actor_id: int | None,
    at: datetime,
    after: dict[str, Any] | None = None,
) -> int:
    """Store a new record and audit its creation, in the caller's transaction.

    Args:
        session: the open transaction.
        obj: the new record (added and flushed here, so it has its id).
        entity: the kind of record.
        workspace_id: its workspace.
        actor_id: who created it.
        at: when.
        after: what to record; by default every field of the record.

    Returns:
        The record's new primary key.
    """
    session.add(obj)
    session.flush()
    assert obj.id is not None
    record(
        session,
        workspace_id=workspace_id,
        actor_id=actor_id,
        entity=entity,
        entity_id=obj.id,
        op="create",
        at=at,
        after=after if after is not None else snapshot(obj),  # type: ignore[arg-type]
    )
    return obj.id


def record_updated(
    session: Session,
    obj: _Keyed,
    /,
    *,
    entity: str,
    op: str,
    before: dict[str, Any],
    workspace_id: int | None,
    actor_id: int | None,
    at: datetime,
) -> None:
    """Store a changed record and audit it with its state before and after.

    Args:
        session: the open transaction.
        obj: the changed record.
        entity: the kind of record.
        op: what happened ("move", "digest", "running", ...).
        before: :func:`snapshot` of the record taken before the change.
        workspace_id: its workspace.
        actor_id: who changed it.
        at: when.
    """
    session.add(obj)
    session.flush()
    assert obj.id is not None
    record(
        session,
        workspace_id=workspace_id,
        actor_id=actor_id,
        entity=entity,
        entity_id=obj.id,
        op=op,
        at=at,
        before=before,
        after=snapshot(obj),  # type: ignore[arg-type]
    )


def history(session: Session, /, *, entity: str, entity_id: int) -> list[AuditEvent]:
    """Return a record's audit events, oldest first."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    )
    return list(session.exec(stmt))
