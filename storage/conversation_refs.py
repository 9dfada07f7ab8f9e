"""Stored conversation references: where a platform lets us write first (Teams proactive)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import ConversationRef, Person

PERSONAL = "personal"  # key: the person's platform user id (Teams: AAD object id)
CHANNEL = "channel"  # key: the channel or group-chat id
# key: the person's platform user id; not a conversation but how to open one
# (Teams: their Teams member id, so the bot can start a 1:1 chat from a team it is in).
MEMBER = "member"


def save_ref(
    session: Session,
    /,
    *,
    workspace_id: int,
    kind: str,
    key: str,
    reference: dict[str, Any],
    at: datetime,
) -> ConversationRef:
    """Create or replace the reference for (workspace, kind, key)."""
    stmt = select(ConversationRef).where(
        ConversationRef.workspace_id == workspace_id,
        ConversationRef.kind == kind,
        ConversationRef.key == key,
    )
    row = session.exec(stmt).first()
    if row is None:
        row = ConversationRef(
            workspace_id=workspace_id, kind=kind, key=key, reference=reference, updated_at=at
        )
    elif row.reference != reference:
        row.reference = reference
        row.updated_at = at
    session.add(row)
    session.flush()
    return row


def get_ref(
    session: Session, /, *, workspace_id: int, kind: str, key: str
) -> dict[str, Any] | None:
    """Return the stored reference, or None when we were never reachable there."""
    stmt = select(ConversationRef).where(
        ConversationRef.workspace_id == workspace_id,
        ConversationRef.kind == kind,
        ConversationRef.key == key,
    )
    row = session.exec(stmt).first()
    return dict(row.reference) if row is not None else None


def keys_with_ref(session: Session, /, *, workspace_id: int, kind: str) -> set[str]:
    """Return every key of a kind that has a reference (e.g. who can get a DM)."""
    stmt = select(ConversationRef.key).where(
        ConversationRef.workspace_id == workspace_id, col(ConversationRef.kind) == kind
    )
    return set(session.exec(stmt).all())


def latest_ref(session: Session, /, *, workspace_id: int, kind: str) -> dict[str, Any] | None:
    """Return the most recently refreshed reference of a kind, or None."""
    stmt = (
        select(ConversationRef)
        .where(ConversationRef.workspace_id == workspace_id, ConversationRef.kind == kind)
        .order_by(col(ConversationRef.updated_at).desc(), col(ConversationRef.id).desc())
    )
    row = session.exec(stmt).first()
    return dict(row.reference) if row is not None else None


def without_dm_route(
    session: Session, /, *, workspace_id: int, people: Iterable[Person]
) -> list[Person]:
    """The people no direct message can reach yet.

    Reachable are those with a stored personal conversation, and, when the bot
    is in some channel of the workspace, those met there (a MEMBER reference),
    since a 1:1 chat can then be opened for them.
    """
    reachable = keys_with_ref(session, workspace_id=workspace_id, kind=PERSONAL)
    if keys_with_ref(session, workspace_id=workspace_id, kind=CHANNEL):
        reachable |= keys_with_ref(session, workspace_id=workspace_id, kind=MEMBER)
    return [p for p in people if not p.platform_user_id or p.platform_user_id not in reachable]
