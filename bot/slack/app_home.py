"""The App Home ("Mina åtgärder"): published on open, republished after changes, debounced."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace

from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.slack import blocks as render
from bot.slack.errors import error_code
from bot.slack.profiles import PLATFORM
from bot.slack.requests import RequestBuilder
from bot.slack.turn import Turn
from bot.slack.work import Work
from commands import home
from commands.result import Changes

log = logging.getLogger("motesbot.slack")

MAX_HOME_REFRESH = 20
# A burst of changes (a meeting logging ten actions) republishes each home once, this much later.
HOME_DELAY_SECONDS = 2.0
# Republishing App Homes is background housekeeping; one at a time, never ahead of answers.
PARALLEL_HOMES = 1


class AppHome:
    """Publish users' App Homes, and republish the homes a change concerns."""

    def __init__(self, engine: Engine, requests: RequestBuilder, work: Work) -> None:
        """Keep the database, the request builder and the background work."""
        self.engine = engine
        self.requests = requests
        self.work = work
        self.delay = HOME_DELAY_SECONDS
        self._due: dict[tuple[str, str], Turn] = {}
        self._gate = asyncio.Semaphore(PARALLEL_HOMES)

    async def publish(self, turn: Turn) -> None:
        """Publish the user's App Home; best effort, never raises."""
        try:
            channels = await self._channels_of(turn)
            request = await self.requests.build(
                replace(turn, key=None, channel_id=None), "home", ""
            )
            reply = await asyncio.to_thread(
                home.home_reply, request, engine=self.engine, channel_ids=channels
            )
            await turn.client.views_publish(user_id=turn.user_id, view=render.home_view(reply))
        except SlackApiError as err:
            log.warning("views.publish for %s failed: %s", turn.user_id, error_code(err))
        except Exception:
            log.exception("could not publish the home of %s", turn.user_id)

    async def _channels_of(self, turn: Turn) -> list[str] | None:
        try:
            response = await turn.client.users_conversations(
                user=turn.user_id, types="public_channel,private_channel", limit=200
            )
        except SlackApiError:
            return None  # without channels:read we list every series instead
        return [str(c.get("id")) for c in response.get("channels") or []]

    def changed(self, turn: Turn, changes: Changes) -> None:
        """Republish, in the background, the homes of everyone the changed actions concern."""
        if changes.action_numbers:
            self.work.spawn(self._refresh(turn, list(changes.action_numbers)))

    async def _refresh(self, turn: Turn, numbers: list[int]) -> None:
        try:
            users = await asyncio.to_thread(
                home.stakeholders,
                engine=self.engine,
                platform=PLATFORM,
                workspace=turn.team_id,
                numbers=numbers,
            )
        except Exception:
            log.warning("could not find whose homes to refresh", exc_info=True)
            return
        for user_id in users[:MAX_HOME_REFRESH]:
            if user_id.startswith(("U", "W")):
                self.schedule(replace(turn, user_id=user_id, user_name="", key=None))

    def schedule(self, turn: Turn) -> None:
        """Republish a user's home soon; repeated requests meanwhile make one publish."""
        key = (turn.team_id, turn.user_id)
        if key in self._due:
            return
        self._due[key] = turn
        self.work.spawn(self._publish_due(key))

    async def _publish_due(self, key: tuple[str, str]) -> None:
        # Wait for more changes to gather, unless we are shutting down.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.work.hurry.wait(), self.delay)
        turn = self._due.pop(key)
        async with self._gate:
            await self.publish(turn)
