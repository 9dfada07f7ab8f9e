"""Decisions (beslut): the formal record."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage import audit
from storage.models import Decision
from storage.workspaces import next_number


def create_decision(
    session: Session,
    /,
    *,
    workspace_id: int,
    text: str,
    at: datetime,
    recorded_by_id: int | None,
    meeting_id: int | None = None,
    item_id: int | None = None,
    supersedes_id: int | None = None,
    number: int | None = None,
    source_ref: str | None = None,
) -> Decision:
    """Record a decision with its audit event, in the caller's transaction."""
    if number is None:
        number = next_number(session, workspace_id=workspace_id, kind="decision")
    decision = Decision(
        workspace_id=workspace_id,
        number=number,
        text=text,
        meeting_id=meeting_id,
        item_id=item_id,
        recorded_by_id=recorded_by_id,
        recorded_at=at,
        supersedes_id=supersedes_id,
        source_ref=source_ref,
    )
    session.add(decision)
    session.flush()
    assert decision.id is not None
    audit.record(
        session,
        workspace_id=workspace_id,
        actor_id=recorded_by_id,
        entity="decision",
        entity_id=decision.id,
        op="create",
        at=at,
        after=audit.snapshot(decision),
    )
    return decision


def get_decision(session: Session, /, *, workspace_id: int, number: int) -> Decision | None:
    """Return the decision shown as ``B<number>``."""
    stmt = select(Decision).where(Decision.workspace_id == workspace_id, Decision.number == number)
    return session.exec(stmt).first()


def list_decisions(
    session: Session, /, *, workspace_id: int, meeting_id: int | None = None, limit: int = 50
) -> list[Decision]:
    """Return decisions, newest first (or a meeting's, in order)."""
    stmt = select(Decision).where(Decision.workspace_id == workspace_id)
    if meeting_id is not None:
        stmt = stmt.where(Decision.meeting_id == meeting_id).order_by(col(Decision.number))
    else:
        stmt = stmt.order_by(col(Decision.number).desc())
    return list(session.exec(stmt.limit(limit)))


def search_decisions(
    session: Session, /, *, workspace_id: int, words: list[str], limit: int = 20
) -> list[Decision]:
    """Return decisions that contain every word (any case), best (most hits) first.

    Python does the matching because SQLite's LIKE folds only ASCII case.
    """
    wanted = [w.casefold() for w in words if w.strip()]
    if not wanted:
        return []
    stmt = select(Decision).where(Decision.workspace_id == workspace_id)
    scored: list[tuple[int, int, Decision]] = []
    for decision in session.exec(stmt):
        hay = decision.text.casefold()
        if all(w in hay for w in wanted):
            scored.append((sum(hay.count(w) for w in wanted), decision.number, decision))
    scored.sort(key=lambda t: (-t[0], -t[1]))
    return [d for _, _, d in scored[:limit]]
