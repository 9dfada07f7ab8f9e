"""The pace of a durable-inbox sweep, shared by the platforms' resumers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

log = logging.getLogger("motesbot.inbox")


async def sweep_until_stopped(
    stopping: asyncio.Event,
    sweep: Callable[[], Awaitable[object]],
    *,
    lease: timedelta,
    every: float,
    what: str,
    after_each: Callable[[], None] | None = None,
) -> None:
    """Sweep once right away (a restart), once when a dead process's leases have run out,
    then every ``every`` seconds, until ``stopping`` is set.

    Args:
        stopping: set it to end the loop (a sweep under way finishes first).
        sweep: one sweep; its failures are logged, never fatal.
        lease: how long a dead process's claims hold.
        every: seconds between the later sweeps.
        what: names the sweep in the log.
        after_each: called after every sweep, failed or not.
    """
    waits = [0.0, lease.total_seconds() + 1]
    while not stopping.is_set():
        wait = waits.pop(0) if waits else every
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), wait)
            return
        try:
            await sweep()
        except Exception:
            log.warning("%s sweep failed", what, exc_info=True)
        finally:
            if after_each is not None:
                after_each()
