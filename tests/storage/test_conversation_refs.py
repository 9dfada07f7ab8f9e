"""Stored conversation references, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from storage import conversation_refs as refs
from storage.db import transaction
from storage.workspaces import get_or_create_workspace

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_save_replace_and_find(engine: Engine) -> None:
    with transaction(engine) as session:
        ws = get_or_create_workspace(session, platform="teams", external_id="tenant", at=AT)
        assert ws.id is not None
        wid = ws.id
        refs.save_ref(
            session,
            workspace_id=wid,
            kind=refs.PERSONAL,
            key="aad-1",
            reference={"conversation_reference": {"conversation": {"id": "a:1"}}},
            at=AT,
        )
        refs.save_ref(
            session, workspace_id=wid, kind=refs.CHANNEL, key="19:kc", reference={"n": 1}, at=AT
        )
        refs.save_ref(
            session,
            workspace_id=wid,
            kind=refs.CHANNEL,
            key="19:other",
            reference={"n": 2},
            at=AT + timedelta(minutes=1),
        )
    with transaction(engine) as session:
        # Saving again replaces, never duplicates.
        refs.save_ref(
            session,
            workspace_id=wid,
            kind=refs.PERSONAL,
            key="aad-1",
            reference={"conversation_reference": {"conversation": {"id": "a:2"}}},
            at=AT + timedelta(hours=1),
        )
    with transaction(engine) as session:
        stored = refs.get_ref(session, workspace_id=wid, kind=refs.PERSONAL, key="aad-1")
        assert stored == {"conversation_reference": {"conversation": {"id": "a:2"}}}
        assert refs.get_ref(session, workspace_id=wid, kind=refs.PERSONAL, key="aad-2") is None
        assert refs.keys_with_ref(session, workspace_id=wid, kind=refs.CHANNEL) == {
            "19:kc",
            "19:other",
        }
        assert refs.latest_ref(session, workspace_id=wid, kind=refs.CHANNEL) == {"n": 2}
        assert refs.latest_ref(session, workspace_id=wid, kind=refs.MEMBER) is None
