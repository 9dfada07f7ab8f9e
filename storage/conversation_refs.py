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
# In a CHANNEL reference: the team the channel belongs to (to forget them all when removed).
TEAM_FIELD = "team_id"


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


def delete_ref(session: Session, /, *, workspace_id: int, kind: str, key: str) -> bool:
    """Forget one reference (the app was removed there); True when there was one."""
    stmt = select(ConversationRef).where(
        ConversationRef.workspace_id == workspace_id,
        ConversationRef.kind == kind,
        ConversationRef.key == key,
    )
    row = session.exec(stmt).first()
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def delete_team(
    session: Session, /, *, workspace_id: int, team: str, channels: Iterable[str]
) -> int:
    """Forget every channel of a team the bot was removed from, and the ways to people met there.

    Args:
        session: the open transaction.
        workspace_id: the tenant's workspace.
        team: the team's id; channel references record it as ``team_id`` when they are stored.
        channels: channel ids known to belong to the team even without that record
            (the removal activity's own channel, references stored before it was kept).

    Returns:
        How many references were deleted.
    """
    known = set(channels) | {team}
    stmt = select(ConversationRef).where(
        ConversationRef.workspace_id == workspace_id,
        col(ConversationRef.kind).in_((CHANNEL, MEMBER)),
    )
    rows = list(session.exec(stmt))
    gone = {
        r.key
        for r in rows
        if r.kind == CHANNEL and (r.key in known or r.reference.get(TEAM_FIELD) == team)
    }
    deleted = 0
    for row in rows:
        if (row.kind == CHANNEL and row.key in gone) or (
            row.kind == MEMBER and row.reference.get("via") in gone
        ):
            session.delete(row)
            deleted += 1
    session.flush()
    return deleted


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
