"""Decisions (beslut): the formal record."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage import audit, search
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
    audit.record_created(
        session,
        decision,
        entity="decision",
        workspace_id=workspace_id,
        actor_id=recorded_by_id,
        at=at,
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


def numbers_by_id(session: Session, /, *, ids: list[int]) -> dict[int, int]:
    """Map decision ids to their shown numbers (``B3`` → 3)."""
    if not ids:
        return {}
    stmt = select(Decision.id, Decision.number).where(col(Decision.id).in_(ids))
    return {int(i): int(n) for i, n in session.exec(stmt) if i is not None}


def superseded_by(session: Session, /, *, decision_ids: list[int]) -> dict[int, Decision]:
    """Map each decision id to the (latest) decision that corrects it."""
    if not decision_ids:
        return {}
    stmt = (
        select(Decision)
        .where(col(Decision.supersedes_id).in_(decision_ids))
        .order_by(col(Decision.number))
    )
    result: dict[int, Decision] = {}
    for newer in session.exec(stmt):
        assert newer.supersedes_id is not None
        result[newer.supersedes_id] = newer
    return result


def search_decisions(
    session: Session, /, *, workspace_id: int, words: list[str], limit: int = 20
) -> list[Decision]:
    """Return the workspace's decisions that match every word, best match first.

    PostgreSQL ranks with full-text search in the Swedish configuration
    (``to_tsvector('swedish', text)``, served by a GIN expression index), so "budget"
    also finds "budgeten". SQLite ranks with FTS5 (bm25) over a table kept in sync by
    triggers, and each word is a prefix, so "budget" finds "budgeten" there too.
    """
    if session.get_bind().dialect.name not in ("postgresql", "sqlite"):  # pragma: no cover
        terms = search.terms(words)
        return _search_in_python(session, workspace_id=workspace_id, words=terms, limit=limit)
    return search.find(session, Decision, workspace_id=workspace_id, words=words, limit=limit)


def _search_in_python(
    session: Session, /, *, workspace_id: int, words: list[str], limit: int
) -> list[Decision]:
    wanted = [w.casefold() for w in words]
    scored: list[tuple[int, int, Decision]] = []
    for decision in session.exec(select(Decision).where(Decision.workspace_id == workspace_id)):
        hay = decision.text.casefold()
        if all(w in hay for w in wanted):
            scored.append((sum(hay.count(w) for w in wanted), decision.number, decision))
    scored.sort(key=lambda t: (-t[0], -t[1]))
    return [d for _, _, d in scored[:limit]]
