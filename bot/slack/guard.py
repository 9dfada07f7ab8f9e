"""One workspace means one workspace: requests from any other Slack team are turned away.

With a single bot token (HTTP or Socket Mode) the app belongs to the team that
token was issued for (``auth.test``). A correctly signed request naming another
``team_id`` (the app added to a second workspace with the same signing secret, a
shared channel, a replayed body) must not create a workspace of its own in the
register: it is answered — a slash command with a short message, anything else
with a bare acknowledgement so Slack does not retry — and nothing is stored.
Multi-workspace (OAuth) installs are not guarded here: there each team's own
installation authorises its requests.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from commands.i18n import t

log = logging.getLogger("motesbot.slack")


def foreign_team(context: AsyncBoltContext) -> str | None:
    """The request's team when it is not the bot token's own team (else None)."""
    result = context.authorize_result
    own = result.team_id if result is not None else None
    team = context.team_id
    if context.enterprise_id or context.is_enterprise_install:
        return None  # an org-wide install answers for every team of the organisation
    if own and team and team != own:
        return team
    return None


def single_team_guard(
    language: str,
) -> Callable[
    [AsyncBoltRequest, BoltResponse, Callable[[], Awaitable[BoltResponse]]],
    Awaitable[BoltResponse],
]:
    """A Bolt middleware that answers requests of other teams without running any listener.

    Args:
        language: the language of the answer (the deployment's default).
    """

    async def guard(
        req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        team = foreign_team(req.context)
        if team is None:
            return await next()
        log.warning("request from Slack team %s, not this app's workspace: ignored", team)
        if isinstance(req.body, dict) and req.body.get("command"):
            return BoltResponse(status=200, body=t(language, "slack_foreign_team"))
        return BoltResponse(status=200, body="")

    return guard
