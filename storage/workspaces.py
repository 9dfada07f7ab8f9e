"""Workspaces and their per-workspace counters."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import bindparam, text
from sqlmodel import Session, col, select

from storage import audit
from storage.models import Workspace

# Built once: every command looks its workspace up, and building a statement costs more
# than running it.
_BY_EXTERNAL_ID = select(Workspace).where(
    col(Workspace.platform) == bindparam("platform"),
    col(Workspace.external_id) == bindparam("external_id"),
)
_TAKE_NUMBER = {
    kind: text(f"UPDATE workspace SET {c} = {c} + 1 WHERE id = :id RETURNING {c} - 1")
    for kind, c in (("action", "next_action_no"), ("decision", "next_decision_no"))
}


def get_or_create_workspace(
    session: Session,
    /,
    *,
    platform: str,
    external_id: str,
    at: datetime,
    name: str = "",
    language: str = "sv",
    timezone: str = "Europe/Stockholm",
) -> Workspace:
    """Return the workspace for a platform id, creating it on first contact."""
    found = session.exec(
        _BY_EXTERNAL_ID, params={"platform": platform, "external_id": external_id}
    ).first()
    if found is not None:
        if found.uninstalled_at is not None:
            # A request from the workspace means the app is back (reinstalled): resume.
            mark_installed(session, found, at=at)
        return found
    ws = Workspace(
        platform=platform,
        external_id=external_id,
        name=name,
        language=language,
        timezone=timezone,
        created_at=at,
    )
    session.add(ws)
    session.flush()
    return ws


def mark_uninstalled(
    session: Session, /, *, platform: str, external_id: str, at: datetime, reason: str
) -> Workspace | None:
    """Record that the app was removed from a workspace; its register is kept.

    Args:
        session: the open transaction.
        platform: "slack", ...
        external_id: the platform's id of the workspace (Slack team id).
        at: when (the first removal counts; a redelivered event changes nothing).
        reason: what said so ("app_uninstalled", "tokens_revoked"), for the audit trail.

    Returns:
        The workspace, or None when it never talked to us (nothing to keep).
    """
    ws = get_workspace(session, platform=platform, external_id=external_id)
    if ws is None or ws.id is None or ws.uninstalled_at is not None:
        return ws
    ws.uninstalled_at = at
    session.add(ws)
    audit.record(
        session,
        workspace_id=ws.id,
        actor_id=None,
        entity="workspace",
        entity_id=ws.id,
        op="uninstalled",
        at=at,
        before={"uninstalled_at": None},
        after={"uninstalled_at": at.isoformat(), "reason": reason},
    )
    session.flush()
    return ws


def mark_installed(session: Session, ws: Workspace, /, *, at: datetime) -> None:
    """Record that the app is in a workspace again (reinstalled): scheduled messages resume."""
    if ws.id is None or ws.uninstalled_at is None:
        return
    before = ws.uninstalled_at.isoformat()
    ws.uninstalled_at = None
    session.add(ws)
    audit.record(
        session,
        workspace_id=ws.id,
        actor_id=None,
        entity="workspace",
        entity_id=ws.id,
        op="reinstalled",
        at=at,
        before={"uninstalled_at": before},
        after={"uninstalled_at": None},
    )
    session.flush()


def get_workspace(session: Session, /, *, platform: str, external_id: str) -> Workspace | None:
    """Return the workspace for a platform id, or None."""
    stmt = select(Workspace).where(
        Workspace.platform == platform, Workspace.external_id == external_id
    )
    return session.exec(stmt).first()


def next_number(
    session: Session, /, *, workspace_id: int, kind: Literal["action", "decision"]
) -> int:
    """Take the next short id (``#12``) for a workspace, atomically.

    The UPDATE holds the workspace row until the transaction ends, so two
    concurrent commands never get the same number.
    """
    row = session.execute(_TAKE_NUMBER[kind], {"id": workspace_id}).one()
    return int(row[0])
