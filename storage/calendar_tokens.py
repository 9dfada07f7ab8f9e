"""Unguessable tokens that serve calendar feeds (``/calendar/<token>.ics``) until revoked."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import Session, col, select

from storage import audit
from storage.models import CalendarToken

SERIES = "series"
PERSON = "person"


def active_token(
    session: Session, /, *, workspace_id: int, kind: str, target_id: int
) -> CalendarToken | None:
    """Return the feed's live token, if one was handed out and not revoked."""
    stmt = (
        select(CalendarToken)
        .where(
            CalendarToken.workspace_id == workspace_id,
            CalendarToken.kind == kind,
            CalendarToken.target_id == target_id,
            col(CalendarToken.revoked_at).is_(None),
        )
        .order_by(col(CalendarToken.id).desc())
    )
    return session.exec(stmt).first()


def issue(
    session: Session,
    /,
    *,
    workspace_id: int,
    kind: str,
    target_id: int,
    at: datetime,
    actor_id: int | None,
) -> CalendarToken:
    """Return the feed's live token, creating one (audited) if there is none.

    Reusing the live token keeps a subscribed calendar working when someone asks again.
    """
    token = active_token(session, workspace_id=workspace_id, kind=kind, target_id=target_id)
    if token is not None:
        return token
    token = CalendarToken(
        token=secrets.token_urlsafe(32),
        workspace_id=workspace_id,
        kind=kind,
        target_id=target_id,
        created_at=at,
    )
    audit.record_created(
        session,
        token,
        entity="calendar_token",
        workspace_id=workspace_id,
        actor_id=actor_id,
        at=at,
        after={"kind": kind, "target_id": target_id},
    )
    return token


def revoke(
    session: Session,
    /,
    *,
    workspace_id: int,
    kind: str,
    target_id: int,
    at: datetime,
    actor_id: int | None,
) -> int:
    """Revoke every live token of a feed; return how many were revoked."""
    stmt = select(CalendarToken).where(
        CalendarToken.workspace_id == workspace_id,
        CalendarToken.kind == kind,
        CalendarToken.target_id == target_id,
        col(CalendarToken.revoked_at).is_(None),
    )
    count = 0
    for token in session.exec(stmt):
        token.revoked_at = at
        session.add(token)
        assert token.id is not None
        audit.record(
            session,
            workspace_id=workspace_id,
            actor_id=actor_id,
            entity="calendar_token",
            entity_id=token.id,
            op="revoke",
            at=at,
            after={"kind": kind, "target_id": target_id},
        )
        count += 1
    session.flush()
    return count


def lookup(session: Session, /, *, token: str) -> CalendarToken | None:
    """Return the live token with this value, or None (unknown or revoked)."""
    if not token or len(token) > 64:
        return None
    found = session.exec(select(CalendarToken).where(CalendarToken.token == token)).first()
    if found is None or found.revoked_at is not None:
        return None
    return found
