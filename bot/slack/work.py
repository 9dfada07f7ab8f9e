"""Concurrency and shutdown: work after the ack runs a few at a time, and drains at the end."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

Listener = Callable[..., Coroutine[Any, Any, None]]

# Work after the ack runs a few requests at a time, so acknowledging new ones stays quick.
# The cap is the setting ``SLACK_PARALLEL_WORK`` (bot/settings.py); this is its default.
PARALLEL_WORK = 2


class Work:
    """The post-ack concurrency cap, background tasks, and waiting for both at shutdown."""

    def __init__(self, parallel: int = PARALLEL_WORK) -> None:
        """Allow ``parallel`` commands to run at once after their ack."""
        self.gate = asyncio.Semaphore(max(1, parallel))
        # Set at shutdown: delayed housekeeping (App Home republishing) runs at once.
        self.hurry = asyncio.Event()
        self._background: set[asyncio.Future[None]] = set()
        self._working: set[asyncio.Task[Any]] = set()
        # Requests on their way through the middleware (recording, a head start) before
        # a listener has them.
        self._arriving = 0
        # Set while no acknowledged request is being worked on.
        self._idle = asyncio.Event()
        self._idle.set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run work after the current answer, keeping a reference until it ends."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def tracked(self, listener: Listener) -> Listener:
        """Wrap a Bolt listener so :meth:`drain` can wait for it to finish its answer."""

        @functools.wraps(listener)
        async def run(*args: Any, **kwargs: Any) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._working.add(task)
                self._idle.clear()
            try:
                await listener(*args, **kwargs)
            finally:
                if task is not None:
                    self._working.discard(task)
                    self._settle()

        return run

    @contextlib.contextmanager
    def arriving(self) -> Iterator[None]:
        """While Bolt dispatches a request: it counts as worked on from its arrival.

        A slash command's head start runs it before its listener does (in the middleware
        that records it); scheduled sends wait for it as for a listener. Bolt's dispatch
        returns once the listener has acknowledged, and by then :meth:`tracked` holds it.
        """
        self._arriving += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._arriving -= 1
            self._settle()

    def _settle(self) -> None:
        if not self._working and not self._arriving:
            self._idle.set()

    async def quiet(self, timeout: float) -> None:
        """Wait until no acknowledged request is in flight, or ``timeout`` seconds passed.

        Housekeeping (App Home republishing) calls this so it never delays an answer.
        """
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)

    async def drain(self) -> None:
        """Wait until acknowledged work has answered and background work ended.

        Used at shutdown (SIGTERM) and by tests, which then look at what Slack received.
        """
        me = asyncio.current_task()
        self.hurry.set()
        try:
            while True:
                pending = [t for t in (*self._working, *self._background) if t is not me]
                if not pending:
                    return
                await asyncio.gather(*pending, return_exceptions=True)
        finally:
            # Only this drain hurries: work arriving afterwards waits as usual again.
            self.hurry.clear()
