"""Chat users' stored profiles, for adapters that cache what the platform told them.

Adapters read through here and never write people themselves: a profile the platform
sent reaches storage on the next request (see :func:`commands.context.build_ctx`), or
through :func:`profile_changed` when the platform announces a change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.engine import Engine

from commands.request import UserRef
from storage import people
from storage.db import single_statement, transaction
from storage.workspaces import get_or_create_workspace, get_workspace


def known_profiles(
    engine: Engine, *, platform: str, workspace: str, user_ids: Sequence[str]
) -> dict[str, tuple[UserRef, datetime | None]]:
    """The stored profiles of several chat users with when each was fetched, in one query.

    Users we know nothing about are left out.
    """
    if not user_ids:
        return {}
    with engine.connect() as conn:
        rows = people.stored_profiles(
            single_statement(conn),
            platform=platform,
            workspace=workspace,
            platform_user_ids=user_ids,
        )
    found: dict[str, tuple[UserRef, datetime | None]] = {}
    for user_id, name, timezone, locale, email, fetched in rows:
        ref = UserRef(platform_id=user_id, name=name, timezone=timezone, locale=locale, email=email)
        found[user_id] = (ref, fetched)
    return found


def profile_changed(
    engine: Engine, *, platform: str, workspace: str, ref: UserRef, at: datetime
) -> bool:
    """The platform says a user's profile changed: refresh a person we know.

    People we have never met are not added (a large workspace announces everyone), and
    the stored profile is marked stale so the next request fetches it whole.

    Returns:
        Whether a known person was updated.
    """
    assert ref.platform_id is not None
    with transaction(engine) as session:
        ws = get_workspace(session, platform=platform, external_id=workspace)
        if ws is None or ws.id is None:
            return False
        if (
            people.by_platform_id(session, workspace_id=ws.id, platform_user_id=ref.platform_id)
            is None
        ):
            return False
        people.upsert_chat_user(
            session,
            workspace_id=ws.id,
            platform_user_id=ref.platform_id,
            display_name=ref.name,
            timezone=ref.timezone,
            locale=ref.locale,
            email=ref.email,
            at=at,
        )
        people.stamp_profile(
            session, workspace=workspace, platform_user_id=ref.platform_id, at=None
        )
        return True


def ensure_user(
    engine: Engine, *, platform: str, workspace: str, ref: UserRef, at: datetime
) -> None:
    """Make a chat user known without a command (someone installed the app personally).

    A command needs no call here: the pipeline ensures its caller and mentions.
    """
    assert ref.platform_id is not None
    with transaction(engine) as session:
        ws = get_or_create_workspace(session, platform=platform, external_id=workspace, at=at)
        assert ws.id is not None
        people.upsert_chat_user(
            session,
            workspace_id=ws.id,
            platform_user_id=ref.platform_id,
            display_name=ref.name,
            locale=ref.locale,
            at=at,
        )
