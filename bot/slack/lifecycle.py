"""The app leaves a Slack workspace: ``app_uninstalled`` and ``tokens_revoked``.

The register of that workspace (meetings, actions, decisions, people) is kept: it is the
municipality's record, not the app's. What goes is the way to write there: in OAuth mode the
installation (bot token) is deleted from slack-sdk's installation store, and in every mode the
workspace is marked uninstalled, so the scheduler records its messages as failed for good
instead of sending them (scheduler/tick.py), and messages waiting for a retry are given up.
A later request from the workspace, or a new OAuth install, clears the mark.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from sqlalchemy.engine import Engine

from scheduler import delivery
from storage.db import transaction
from storage.workspaces import get_workspace, mark_installed, mark_uninstalled

log = logging.getLogger("motesbot.slack")

PLATFORM = "slack"
Listener = Callable[..., Coroutine[Any, Any, None]]


def uninstalled(engine: Engine, team_id: str, *, at: datetime, reason: str) -> int:
    """Mark a team's workspace uninstalled and give up its pending retries.

    Args:
        engine: the database.
        team_id: the Slack team.
        at: when Slack said so.
        reason: the event ("app_uninstalled", "tokens_revoked").

    Returns:
        How many waiting deliveries were failed (0 when the team never used the app).
    """
    with transaction(engine) as session:
        ws = mark_uninstalled(session, platform=PLATFORM, external_id=team_id, at=at, reason=reason)
        workspace_id = ws.id if ws is not None else None
    if workspace_id is None:
        return 0
    return delivery.fail_pending(
        engine, workspace_id=workspace_id, now=at, error=f"Slack: {reason}"
    )


def reinstalled(engine: Engine, team_id: str, *, at: datetime) -> None:
    """Clear a team's uninstalled mark (a new OAuth installation was saved)."""
    with transaction(engine) as session:
        ws = get_workspace(session, platform=PLATFORM, external_id=team_id)
        if ws is not None:
            mark_installed(session, ws, at=at)


def register_lifecycle(
    app: AsyncApp,
    *,
    engine: Engine,
    clock: Callable[[], datetime],
    store: AsyncInstallationStore | None,
    track: Callable[[Listener], Listener] = lambda listener: listener,
) -> None:
    """Listen for the app leaving a workspace.

    Args:
        app: the Bolt app.
        engine: the database.
        clock: the injected "now".
        store: the installation store in OAuth mode (None with a single bot token).
        track: wraps a listener so shutdown and tests can wait for it.
    """

    async def on_app_uninstalled(context: AsyncBoltContext) -> None:
        team = context.team_id
        if not team:
            return
        if store is not None:
            await store.async_delete_all(enterprise_id=context.enterprise_id, team_id=team)
        failed = await asyncio.to_thread(
            uninstalled, engine, team, at=clock(), reason="app_uninstalled"
        )
        log.warning(
            "Slack app uninstalled from team %s; %d waiting messages given up", team, failed
        )

    async def on_tokens_revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        team = context.team_id
        tokens = event.get("tokens") if isinstance(event.get("tokens"), dict) else {}
        assert isinstance(tokens, dict)
        users = [u for u in tokens.get("oauth") or [] if isinstance(u, str)]
        bots = [b for b in tokens.get("bot") or [] if isinstance(b, str)]
        if not team:
            return
        if store is not None:
            for user in users:
                await store.async_delete_installation(
                    enterprise_id=context.enterprise_id, team_id=team, user_id=user
                )
            if bots:
                await store.async_delete_bot(enterprise_id=context.enterprise_id, team_id=team)
        if not bots:
            return  # only people's own tokens: the bot still writes there
        failed = await asyncio.to_thread(
            uninstalled, engine, team, at=clock(), reason="tokens_revoked"
        )
        log.warning(
            "Slack bot token of team %s revoked; %d waiting messages given up", team, failed
        )

    app.event("app_uninstalled")(track(on_app_uninstalled))
    app.event("tokens_revoked")(track(on_tokens_revoked))
