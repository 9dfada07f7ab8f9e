"""The app leaves a Teams conversation: the stored conversation references are deleted.

Teams tells the bot with an ``installationUpdate`` whose action is ``remove`` (a user removes
the personal app, or the app is removed from a team or chat) and with a
``conversationUpdate`` whose ``membersRemoved`` holds the bot (removed from a team or a
group chat). Either way the references that let the scheduler write there first are
forgotten, so no message is sent into a conversation the bot is no longer in (Teams would
answer 403); the scheduler then records such messages as failed for good. The register
(people, actions, decisions) is kept.
"""

from __future__ import annotations

import logging
from typing import Any

from microsoft_agents.activity import Activity
from sqlalchemy.engine import Engine

from bot.teams.activities import PLATFORM, channel_key, conversation_type, tenant_id
from storage import conversation_refs
from storage.db import transaction
from storage.workspaces import get_workspace

log = logging.getLogger("motesbot.teams")


def _field(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def team_id(activity: Activity) -> str | None:
    """The team a channel activity comes from (``channelData.team.id``), else None."""
    team = _field(_field(activity.channel_data, "team"), "id")
    return str(team) if team else None


def is_removal(activity: Activity) -> bool:
    """Tell whether the activity says the bot was removed from its conversation."""
    if activity.type == "installationUpdate":
        return (activity.action or "").startswith("remove")
    if activity.type == "conversationUpdate":
        me = activity.recipient.id if activity.recipient else None
        return any(m.id == me for m in activity.members_removed or [] if me)
    return False


def forget(engine: Engine, activity: Activity) -> int:
    """Delete the references of the conversation (or team) the bot was removed from.

    Args:
        engine: the database.
        activity: the removal (see :func:`is_removal`).

    Returns:
        How many references were deleted.
    """
    kind = conversation_type(activity)
    with transaction(engine) as session:
        ws = get_workspace(session, platform=PLATFORM, external_id=tenant_id(activity))
        if ws is None or ws.id is None:
            return 0
        if kind == "personal":
            sender = activity.from_property
            key = (sender.aad_object_id or sender.id) if sender else None
            deleted = int(
                bool(key)
                and conversation_refs.delete_ref(
                    session, workspace_id=ws.id, kind=conversation_refs.PERSONAL, key=str(key)
                )
            )
        elif kind == "channel":
            channel = channel_key(activity)
            team = team_id(activity) or channel
            deleted = conversation_refs.delete_team(
                session, workspace_id=ws.id, team=team, channels=[channel]
            )
        else:  # a group chat
            deleted = conversation_refs.delete_team(
                session, workspace_id=ws.id, team=channel_key(activity), channels=[]
            )
    log.info("removed from a Teams %s: %d conversation references deleted", kind, deleted)
    return deleted
