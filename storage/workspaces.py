"""Workspaces and their per-workspace counters."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import text
from sqlmodel import Session, select

from storage.models import Workspace


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
    stmt = select(Workspace).where(
        Workspace.platform == platform, Workspace.external_id == external_id
    )
    found = session.exec(stmt).first()
    if found is not None:
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
    column = "next_action_no" if kind == "action" else "next_decision_no"
    row = session.execute(
        text(f"UPDATE workspace SET {column} = {column} + 1 WHERE id = :id RETURNING {column} - 1"),
        {"id": workspace_id},
    ).one()
    return int(row[0])
