"""The App Home ("Mina åtgärder"): published on open; republished after changes, debounced,
for the people who opened it recently."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
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

# One refresh pass (all the changes of a workspace gathered over a few seconds) republishes
# at most this many homes.
MAX_HOME_REFRESH = 200
# A burst of changes (a meeting logging ten actions) republishes each home once, this much later.
HOME_DELAY_SECONDS = 2.0
# Republishing App Homes is background housekeeping; one at a time, never ahead of answers.
PARALLEL_HOMES = 1
# Republishing waits for the commands in flight to answer, but never longer than this.
QUIET_SECONDS = 10.0
# A user's channels (which meetings their home lists) are asked of Slack this seldom.
CHANNELS_SECONDS = 300.0
# A change republishes the home of someone who opened it this recently. Slack announces every
# opening (app_home_opened), which publishes a fresh home anyway; republishing homes nobody
# looks at only spends CPU and Slack's views.publish rate limit.
WATCH_SECONDS = 8 * 3600.0


class AppHome:
    """Publish users' App Homes, and republish the homes a change concerns."""

    def __init__(self, engine: Engine, requests: RequestBuilder, work: Work) -> None:
        """Keep the database, the request builder and the background work."""
        self.engine = engine
        self.requests = requests
        self.work = work
        self.delay = HOME_DELAY_SECONDS
        self._due: dict[tuple[str, str], Turn] = {}
        # Per workspace: a turn to publish with and the action numbers changed since.
        self._pending: dict[str, tuple[Turn, set[int]]] = {}
        self._channels: dict[tuple[str, str], tuple[list[str], float]] = {}
        # Per workspace, who opened their home and when (monotonic): the homes a change
        # republishes.
        self._watching: dict[str, dict[str, float]] = {}
        self._gate = asyncio.Semaphore(PARALLEL_HOMES)

    async def opened(self, turn: Turn) -> None:
        """The user opened their home: publish it fresh, and keep it fresh for a while."""
        self._watching.setdefault(turn.team_id, {})[turn.user_id] = time.monotonic()
        await self.publish(turn)

    def watching(self, team_id: str, user_id: str) -> bool:
        """Whether the user opened their home recently enough to get it republished."""
        watchers = self._watching.get(team_id, {})
        since = watchers.get(user_id)
        if since is None:
            return False
        if time.monotonic() - since > WATCH_SECONDS:
            del watchers[user_id]
            return False
        return True

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
        key = (turn.team_id, turn.user_id)
        known = self._channels.get(key)
        if known is not None and time.monotonic() - known[1] < CHANNELS_SECONDS:
            return known[0]
        try:
            response = await turn.client.users_conversations(
                user=turn.user_id, types="public_channel,private_channel", limit=200
            )
        except SlackApiError:
            return None  # without channels:read we list every series instead
        channels = [str(c.get("id")) for c in response.get("channels") or []]
        self._channels[key] = (channels, time.monotonic())
        return channels

    def changed(self, turn: Turn, changes: Changes) -> None:
        """Republish, later and in the background, the homes the changed actions concern.

        Changes are gathered per workspace; one pass after :attr:`delay`, once the
        commands in flight have answered, finds whose homes they touch and publishes
        each of those once, however many of their actions changed meanwhile.
        """
        if not changes.action_numbers or not self._watching.get(turn.team_id):
            return
        pending = self._pending.get(turn.team_id)
        if pending is not None:
            pending[1].update(changes.action_numbers)
            return
        self._pending[turn.team_id] = (turn, set(changes.action_numbers))
        self.work.spawn(self._refresh(turn.team_id))

    async def _refresh(self, team_id: str) -> None:
        await self._settle()
        turn, numbers = self._pending.pop(team_id)
        try:
            users = await asyncio.to_thread(
                home.stakeholders,
                engine=self.engine,
                platform=PLATFORM,
                workspace=team_id,
                numbers=sorted(numbers),
            )
        except Exception:
            log.warning("could not find whose homes to refresh", exc_info=True)
            return
        watched = [u for u in users if self.watching(team_id, u)]
        for user_id in watched[:MAX_HOME_REFRESH]:
            if user_id.startswith(("U", "W")):
                self.schedule(replace(turn, user_id=user_id, user_name="", key=None), wait=False)

    async def _settle(self) -> None:
        # Gather more changes, then let the answers in flight go first (not forever:
        # under steady load the homes still follow within QUIET_SECONDS).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.work.hurry.wait(), self.delay)
        if not self.work.hurry.is_set():
            await self.work.quiet(QUIET_SECONDS)

    def schedule(self, turn: Turn, *, wait: bool = True) -> None:
        """Republish a user's home soon; repeated requests meanwhile make one publish."""
        key = (turn.team_id, turn.user_id)
        if key in self._due:
            return
        self._due[key] = turn
        self.work.spawn(self._publish_due(key, wait=wait))

    async def _publish_due(self, key: tuple[str, str], *, wait: bool) -> None:
        if wait:
            await self._settle()
        async with self._gate:
            if not self.work.hurry.is_set():
                await self.work.quiet(QUIET_SECONDS)
            turn = self._due.pop(key)
            await self.publish(turn)
