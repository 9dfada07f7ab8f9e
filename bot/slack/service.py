"""The Slack adapter's parts, put together; listeners call in here after their ack.

Each part has one job: :mod:`bot.slack.requests` turns a payload into a neutral
``Request``, :func:`commands.run` runs it, :mod:`bot.slack.delivery` answers (with
:mod:`bot.slack.uploads` for files), :mod:`bot.slack.app_home` republishes App Homes and
:mod:`bot.slack.work` caps concurrency and drains at shutdown. The adapter persists
nothing: the pipeline ensures the caller and mentioned people once per request.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from slack_bolt.request.async_request import AsyncBoltRequest
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack import inbox
from bot.slack.app_home import AppHome
from bot.slack.delivery import Delivery
from bot.slack.profiles import Profiles
from bot.slack.requests import RequestBuilder
from bot.slack.slash import SLASH_COMMANDS, read_slash
from bot.slack.turn import Refused, Turn
from bot.slack.work import Listener, Work
from commands import agenda, run
from commands.context import Config
from commands.forms import ActionForm
from commands.result import Outcome, Result

__all__ = ["Refused", "SlackService", "Turn"]


class SlackService:
    """Run commands for Slack users and deliver the replies."""

    def __init__(
        self, settings: Settings, engine: Engine, *, session: aiohttp.ClientSession | None = None
    ) -> None:
        """Build the parts from the settings (read once, in bot/settings.py)."""
        self.settings = settings
        self.engine = engine
        self.config = Config(public_url=settings.public_url)
        self.session = session
        self.profiles = Profiles(engine, settings.now)
        self.requests = RequestBuilder(self.profiles, settings.now, settings.default_language)
        self.work = Work(settings.slack_parallel_work)
        self.home = AppHome(engine, self.requests, self.work)
        self.delivery = Delivery(
            lambda: self.session, self.home.publish, ZoneInfo(settings.default_timezone)
        )
        # Takes up what a dead process acknowledged but never finished (set by build_app).
        self.resumer: inbox.Resumer | None = None
        self.held: inbox.Held | None = None
        # The parts' entry points, under the names the listeners use.
        self.lang = self.requests.lang
        self.deliver = self.delivery.deliver
        self.dm_user = self.delivery.dm_user
        self.update_clicked = self.delivery.update_clicked
        self.publish_home = self.home.publish
        self.drain = self.work.drain

    @property
    def home_delay(self) -> float:
        """How long App Home republishing waits for more changes (tests set 0)."""
        return self.home.delay

    @home_delay.setter
    def home_delay(self, seconds: float) -> None:
        self.home.delay = seconds

    def tracked(self, listener: Listener) -> Listener:
        """Wrap a Bolt listener so :meth:`drain` waits for it and its inbox row is settled."""

        @functools.wraps(listener)
        async def settled(*args: Any, **kwargs: Any) -> None:
            await listener(*args, **kwargs)
            await inbox.finish(self.engine, self.settings, self.held)

        return self.work.tracked(settled)

    async def close(self) -> None:
        """Release the shared HTTP session."""
        if self.session is not None:
            await self.session.close()
            self.session = None

    async def head_start(self, req: AsyncBoltRequest) -> inbox.HeadStart | None:
        """A slash command's run, to start in the thread that records it, when a worker is free.

        The command runs right after its row is stored, in the same worker thread, and
        holds one of the ``SLACK_PARALLEL_WORK`` places until it ends; :meth:`run` takes
        its result. None (the listener runs it, as every other request) for a command
        that opens the action form or that Bolt routes to no listener of ours, and when
        every place is taken.
        """
        body = req.body if isinstance(req.body, dict) else {}
        client = req.context.client
        if body.get("command") not in SLASH_COMMANDS or client is None or self.work.gate.locked():
            return None
        slash = read_slash(body, client)
        if slash.opens_form:
            return None
        await self.work.gate.acquire()
        return inbox.HeadStart(
            work=functools.partial(self._run_known, slash.turn, slash.command, slash.text, None),
            release=self.work.gate.release,
        )

    async def run(
        self,
        turn: Turn,
        command: str,
        text: str,
        *,
        form: ActionForm | None = None,
        started: Awaitable[object] | None = None,
    ) -> Result:
        """Run a command (typed, clicked or from a form) as the turn's user, off the loop.

        Homes of the people whose actions changed are republished from the result.

        Args:
            turn: who, where, and how to answer.
            command: the command word.
            text: what follows it.
            form: a form's structured input.
            started: the command's head start (:meth:`head_start`), if it got one.
        """
        if started is not None:
            head = await started
            if isinstance(head, Result):
                return self._ran(turn, head)
        async with self.work.gate:
            result = await asyncio.to_thread(self._run_known, turn, command, text, form)
            if result is None:  # someone's profile must come from Slack first
                try:
                    request = await self.requests.build(turn, command, text, form=form)
                except Refused as refused:
                    return Result(refused.reply, Outcome.USER_ERROR)
                result = await asyncio.to_thread(
                    run, request, engine=self.engine, config=self.config
                )
        return self._ran(turn, result)

    def _ran(self, turn: Turn, result: Result) -> Result:
        if result.ok:
            self.home.changed(turn, result.changes)
        return result

    def _run_known(
        self, turn: Turn, command: str, text: str, form: ActionForm | None
    ) -> Result | None:
        """In the worker thread: the command, when everyone in it is known (else None)."""
        request = self.requests.build_known(turn, command, text, form=form)
        if request is None:
            return None
        return run(request, engine=self.engine, config=self.config)

    async def agenda_choices(self, turn: Turn) -> list[tuple[int, str]]:
        """The agenda items the action modal offers."""
        request = await self.requests.build(turn, "action", "")
        return await asyncio.to_thread(agenda.choices, request, engine=self.engine)
