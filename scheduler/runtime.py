"""The scheduler inside ``motesbot run``: leader election, exact-time jobs, a reconcile loop.

APScheduler's ``AsyncIOScheduler`` with its in-memory job store holds one
"tick" job per distinct moment something becomes due in the next day. The
jobs are never persisted: every reconcile (at start, then every minute)
rebuilds them from the database, so changed meetings, series and
preferences are picked up within a minute, and a restart loses nothing. The
reconcile also runs a tick itself, which catches up after downtime and
retries failed sends after their backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import Engine

from commands import metrics
from scheduler.due import wake_up_instants
from scheduler.leader import Leader
from scheduler.messenger import Messenger
from scheduler.tick import node_id, run_tick
from storage.db import transaction

log = logging.getLogger("motesbot.scheduler")

# Tests (and impatient operators) may shorten both with MOTESBOT_RECONCILE_SECONDS and
# MOTESBOT_FOLLOWER_RETRY_SECONDS (read in bot/settings.py); production keeps these.
RECONCILE_EVERY = 60.0
FOLLOWER_RETRY = 10.0
LOOKAHEAD = timedelta(days=1)

Clock = Callable[[], datetime]


class SchedulerService:
    """One process's scheduler: ticks only while it is the leader."""

    def __init__(
        self,
        engine: Engine,
        messengers: Mapping[str, Messenger],
        clock: Clock,
        *,
        reconcile_every: float = RECONCILE_EVERY,
        follower_retry: float = FOLLOWER_RETRY,
    ) -> None:
        self.engine = engine
        self.messengers = messengers
        self.clock = clock
        self.node = node_id()
        self.leader = Leader(engine)
        self.jobs = AsyncIOScheduler(timezone=UTC)
        self._lock = asyncio.Lock()
        self.reconcile_every = reconcile_every if reconcile_every > 0 else RECONCILE_EVERY
        self.follower_retry = follower_retry if follower_retry > 0 else FOLLOWER_RETRY

    async def tick(self) -> None:
        """Run one tick at the clock's now; ticks never overlap within the process."""
        if not self.leader.held:
            return
        async with self._lock:
            try:
                await run_tick(self.engine, self.messengers, self.clock(), node=self.node)
            except Exception:
                log.exception("scheduler tick failed")

    async def reconcile(self) -> None:
        """Tick now, then rebuild the exact-time jobs from the database."""
        await self.tick()
        now = self.clock()
        try:
            instants = await asyncio.to_thread(self._instants, now)
        except Exception:
            log.exception("cannot read the schedule")
            return
        self.jobs.remove_all_jobs()
        for moment in instants:
            self.jobs.add_job(
                self.tick,
                "date",
                run_date=moment,
                id=f"tick@{moment.astimezone(UTC).isoformat()}",
                misfire_grace_time=None,
                coalesce=True,
            )

    def _instants(self, now: datetime) -> list[datetime]:
        with transaction(self.engine) as session:
            return wake_up_instants(session, now, now + LOOKAHEAD)

    async def run(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set: follow, lead, tick."""
        self.jobs.start()
        try:
            while not stop.is_set():
                was = self.leader.held and not self.leader.sqlite
                leading = await asyncio.to_thread(self.leader.acquire)
                metrics.set_leader(leading)
                if leading:
                    await self.reconcile()
                elif was:
                    self.jobs.remove_all_jobs()
                wait = self.reconcile_every if leading else self.follower_retry
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=wait)
        finally:
            self.jobs.shutdown(wait=False)
            await asyncio.to_thread(self.leader.release)
            metrics.set_leader(False)


async def run_scheduler(
    engine: Engine,
    messengers: Mapping[str, Messenger],
    clock: Clock,
    stop: asyncio.Event,
    *,
    reconcile_every: float = RECONCILE_EVERY,
    follower_retry: float = FOLLOWER_RETRY,
) -> None:
    """Run the scheduler until ``stop`` is set (call it from ``motesbot run``'s event loop).

    Args:
        engine: the database.
        messengers: platform name → messenger (see ``bot.messengers.build_messengers``).
        clock: returns the current time, aware (``Settings.now``).
        stop: set it to shut down.
        reconcile_every: seconds between the leader's reconciliations (a setting).
        follower_retry: seconds between a follower's attempts to lead (a setting).
    """
    service = SchedulerService(
        engine,
        messengers,
        clock,
        reconcile_every=reconcile_every,
        follower_retry=follower_retry,
    )
    await service.run(stop)


def start_in_thread(
    engine: Engine,
    messengers: Mapping[str, Messenger],
    clock: Clock,
    *,
    reconcile_every: float = RECONCILE_EVERY,
    follower_retry: float = FOLLOWER_RETRY,
) -> Callable[[], None]:
    """Run the scheduler on its own event loop in a daemon thread (for the console).

    Returns:
        A function that stops it and waits for the thread.
    """
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    started = threading.Event()

    def main() -> None:
        asyncio.set_event_loop(loop)

        async def body() -> None:
            started.set()
            await run_scheduler(
                engine,
                messengers,
                clock,
                stop,
                reconcile_every=reconcile_every,
                follower_retry=follower_retry,
            )

        loop.run_until_complete(body())
        loop.close()

    thread = threading.Thread(target=main, name="motesbot-scheduler", daemon=True)
    thread.start()
    started.wait(timeout=5)

    def halt() -> None:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)

    return halt
