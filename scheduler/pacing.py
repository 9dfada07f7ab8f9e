"""How fast a tick may send: at most one message a second to one target, and Retry-After.

Chat platforms limit posts per channel (Slack: about one a second) and answer
bursts with HTTP 429 and a Retry-After. The pacer keeps the per-target gap and
holds a whole workspace's sends while the platform asked us to wait. The
clock and the sleep are injected, so tests run on a fake clock.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

TARGET_INTERVAL = 1.0
# How long a scheduled send waits for people's commands to be answered before it goes anyway.
# Long enough to let a backlog of commands clear (a short wait kept it from ever clearing
# during a 10,000-DM fan-out at 40 commands/s); short enough that DMs still flow under load.
YIELD_AT_MOST = 5.0

# Returns once no command is being worked on (or after at most ``YIELD_AT_MOST``): scheduled
# sends use the gaps between commands, so a morning fan-out never holds up an answer.
Quiet = Callable[[float], Awaitable[None]]


class Pacer:
    """Per-target spacing and per-workspace pauses for one tick's sends.

    Args:
        clock: monotonic seconds.
        sleep: waits that many seconds.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Start with no history."""
        self.clock = clock
        self.sleep = sleep
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}
        self._paused: dict[str, float] = {}

    @asynccontextmanager
    async def turn(self, target: str) -> AsyncIterator[None]:
        """Hold one target: sends to it queue here, one at a time."""
        lock = self._locks.get(target)
        if lock is None:
            lock = self._locks[target] = asyncio.Lock()
        async with lock:
            yield

    def wait_for(self, target: str, workspace: str, interval: float) -> float:
        """Seconds still to wait before sending to ``target`` in ``workspace`` (0: go)."""
        now = self.clock()
        gap = self._last.get(target, -math.inf) + interval - now
        pause = self._paused.get(workspace, -math.inf) - now
        return max(gap, pause, 0.0)

    async def ready(self, target: str, workspace: str, interval: float) -> None:
        """Wait until a send to ``target`` is allowed."""
        while (wait := self.wait_for(target, workspace, interval)) > 0:
            await self.sleep(wait)

    def started(self, target: str) -> None:
        """Record that a send to ``target`` starts now."""
        self._last[target] = self.clock()

    def pause(self, workspace: str, seconds: float) -> None:
        """Hold every send to ``workspace`` for ``seconds`` (the platform's Retry-After)."""
        until = self.clock() + max(seconds, 0.0)
        self._paused[workspace] = max(self._paused.get(workspace, -math.inf), until)
