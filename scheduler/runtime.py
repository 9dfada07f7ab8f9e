"""The scheduler inside ``motesbot run``: leader election, exact-time jobs, re-plans on change.

APScheduler's ``AsyncIOScheduler`` with its in-memory job store holds one
"tick" job per distinct moment something becomes due in the next day, one per
moment a failed send may be retried, and a "horizon" job a day ahead that
plans the next day. The jobs are never persisted: they are derived from the
database, so a restart loses nothing.

The leader does work in proportion to change. At start (and on gaining
leadership) it sweeps: tops up the series, ticks (catch-up after downtime,
retries) and plans the jobs. Then it re-plans (tick + jobs) only when a
committed transaction changed schedule data: an in-process signal from
``storage.changes`` and, on PostgreSQL, a NOTIFY from any replica. A burst of
changes is coalesced into one re-plan per ``debounce`` seconds; the tick of a
re-plan (which plans everyone's DMs) runs at most once a minute, the jobs are
rebuilt every time. A slow safety
sweep (hourly by default, ``MOTESBOT_RECONCILE_SECONDS``) catches anything a
signal missed (say, a CLI import on SQLite in another process).

Database work and rendering run in a small executor of the scheduler's own,
so a morning's fan-out does not take the threads commands use.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import Engine

from commands import metrics
from scheduler import delivery
from scheduler.due import wake_up_instants
from scheduler.leader import Leader
from scheduler.messenger import Messenger
from scheduler.morning import PeopleOf
from scheduler.pacing import YIELD_AT_MOST, Quiet
from scheduler.tick import SEND_CONCURRENCY, node_id, offload, run_tick
from storage import changes
from storage.db import transaction

log = logging.getLogger("motesbot.scheduler")

# Tests (and impatient operators) may shorten these with MOTESBOT_RECONCILE_SECONDS,
# MOTESBOT_FOLLOWER_RETRY_SECONDS and MOTESBOT_REPLAN_DEBOUNCE_SECONDS (bot/settings.py).
RECONCILE_EVERY = 3600.0
FOLLOWER_RETRY = 10.0
DEBOUNCE = 1.0
LOOKAHEAD = timedelta(days=1)
HORIZON_JOB = "horizon"
CATCH_UP_JOB = "catch-up"
# A change-driven tick runs at most this often (seconds); the old minute loop's cost at most.
TICK_GAP = 60.0
DB_THREADS = 2

Clock = Callable[[], datetime]
T = TypeVar("T")


class SchedulerService:
    """One process's scheduler: ticks only while it is the leader.

    Attributes:
        replans: how many change-driven re-plans ran (a burst of changes counts once).
        sweeps: how many full sweeps ran (start, leadership gained, the safety interval).
        jobs_paused: plan the exact-time jobs but do not run them (for tests).
        tick_gap: the least time between a tick and a change-driven one (seconds).
    """

    def __init__(
        self,
        engine: Engine,
        messengers: Mapping[str, Messenger],
        clock: Clock,
        *,
        reconcile_every: float = RECONCILE_EVERY,
        follower_retry: float = FOLLOWER_RETRY,
        debounce: float = DEBOUNCE,
        send_concurrency: int = SEND_CONCURRENCY,
        quiet: Quiet | None = None,
        jobs_paused: bool = False,
        tick_gap: float = TICK_GAP,
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
        self.debounce = max(debounce, 0.0)
        self.send_concurrency = max(send_concurrency, 1)
        self.quiet = quiet
        self.executor = ThreadPoolExecutor(DB_THREADS, thread_name_prefix="motesbot-scheduler")
        self.listener: changes.NotifyListener | None = None
        self.replans = 0
        self.narrow_ticks = 0
        self.sweeps = 0
        self._changed = asyncio.Event()
        self._pending = changes.Change()
        self._pending_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        # Plan the jobs but never run them (tests inspect the plan on a clock of their own).
        self.jobs_paused = jobs_paused
        self.tick_gap = tick_gap
        self._last_tick = -math.inf

    async def _db(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return await offload(self.executor, fn, *args, **kwargs)

    def changed(self, change: changes.Change | None = None) -> None:
        """Note that schedule data changed (and whose DMs it concerns); any thread may call."""
        with self._pending_lock:
            self._pending = self._pending.merge(change or changes.Change.everyone())
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._changed.set)

    def _take_pending(self) -> changes.Change:
        with self._pending_lock:
            pending, self._pending = self._pending, changes.Change()
        return pending

    async def tick(self, *, extend: bool = False, change: changes.Change | None = None) -> None:
        """Run one tick at the clock's now; ticks never overlap within the process.

        Args:
            extend: top up the series first.
            change: plan only the morning DMs of the people this change concerns
                (every digest, status request and follow-up is planned anyway).
        """
        if not self.leader.held:
            return
        narrow = change is not None and not change.broad
        async with self._lock:
            if not narrow:
                self._last_tick = asyncio.get_running_loop().time()
            try:
                await run_tick(
                    self.engine,
                    self.messengers,
                    self.clock(),
                    node=self.node,
                    extend=extend,
                    concurrency=self.send_concurrency,
                    executor=self.executor,
                    quiet=self.quiet,
                    people=_people_of(change) if narrow else None,
                )
            except Exception:
                log.exception("scheduler tick failed")

    async def reconcile(self) -> None:
        """The full sweep: top up the series, tick, then rebuild every job from the database."""
        self.sweeps += 1
        await self.tick(extend=True)
        await self._plan()

    async def replan(self, change: changes.Change | None = None) -> None:
        """After a change: rebuild the jobs, and tick (something may be due at once).

        A change that names its people (an action added, done or moved, a person's
        preferences) ticks only their morning DMs, at once: its cost follows the change,
        not the register. A change that may concern anyone plans everyone's DM, so under a
        steady stream of those the tick runs at most once per ``tick_gap``: one soon after
        a tick gets one catch-up tick when the gap is over (the jobs are rebuilt at once).
        """
        self.replans += 1
        change = change if change is not None else self._take_pending()
        if not change.broad:
            self.narrow_ticks += 1
            await self.tick(change=change)
            if change.timing:  # actions alone never move a wake-up: keep the jobs
                await self._plan()
            return
        wait = self._last_tick + self.tick_gap - asyncio.get_running_loop().time()
        if wait <= 0:
            await self.tick()
        await self._plan()
        if wait > 0:
            self.jobs.add_job(
                self._catch_up,
                "date",
                run_date=datetime.now(UTC) + timedelta(seconds=wait),
                id=CATCH_UP_JOB,
                misfire_grace_time=None,
                coalesce=True,
                replace_existing=True,
            )

    async def _catch_up(self) -> None:
        await self._wake(self.clock())

    async def _wake(self, moment: datetime) -> None:
        """The job of ``moment``: tick, then add a job for each later retry the tick left.

        Only retries after ``moment`` are added: with a fixed clock (``MOTESBOT_NOW``)
        a moment can come again and again, and must not wake us in a loop.
        """
        await self.tick()
        now = self.clock()
        try:
            retries = await self._db(self._retry_instants, now)
        except Exception:
            log.exception("cannot read the pending deliveries")
            return
        for retry in retries:
            if retry > moment:
                self._add_tick(retry)

    async def _plan(self) -> None:
        now = self.clock()
        try:
            instants = await self._db(self._instants, now)
        except Exception:
            log.exception("cannot read the schedule")
            return
        self.jobs.remove_all_jobs()
        for moment in instants:
            self._add_tick(moment)
        # When the look-ahead runs out, plan the next day (and top up the series). Timed
        # by the real clock: a fixed one (MOTESBOT_NOW) would put it in the past, at once.
        self.jobs.add_job(
            self.reconcile,
            "date",
            run_date=datetime.now(UTC) + LOOKAHEAD,
            id=HORIZON_JOB,
            misfire_grace_time=None,
            coalesce=True,
            replace_existing=True,
        )

    def _add_tick(self, moment: datetime) -> None:
        self.jobs.add_job(
            self._wake,
            "date",
            args=[moment],
            run_date=moment,
            id=f"tick@{moment.astimezone(UTC).isoformat()}",
            misfire_grace_time=None,
            coalesce=True,
            replace_existing=True,
        )

    def _instants(self, now: datetime) -> list[datetime]:
        until = now + LOOKAHEAD
        with transaction(self.engine) as session:
            instants = set(wake_up_instants(session, now, until))
            instants |= delivery.pending_instants(session, now, until)
        return sorted(instants)

    def _retry_instants(self, now: datetime) -> set[datetime]:
        with transaction(self.engine) as session:
            return delivery.pending_instants(session, now, now + LOOKAHEAD)

    def _listen(self) -> None:
        if self.engine.dialect.name != "postgresql" or self.listener is not None:
            return
        self.listener = changes.NotifyListener(self.engine, self.changed)
        self.listener.start()

    async def _unlisten(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            await asyncio.to_thread(listener.stop)  # joins its thread: not on the loop

    async def _wait(self, stop: asyncio.Event, timeout: float) -> bool:
        """Wait for a change, ``stop`` or the timeout; True when a change came."""
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._changed.wait())]
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        return self._changed.is_set() and not stop.is_set()

    async def run(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set: follow, lead, sweep, re-plan on change."""
        loop = self._loop = asyncio.get_running_loop()
        self.jobs.start(paused=self.jobs_paused)
        unsubscribe = changes.subscribe(self.engine, self.changed)
        leading = False
        next_sweep = 0.0
        try:
            while not stop.is_set():
                # Also the leader's liveness check: a round trip on its lock connection.
                held = await self._db(self.leader.acquire)
                metrics.set_leader(held)
                if held and (not leading or loop.time() >= next_sweep):
                    if not leading:
                        self._listen()
                        self._changed.clear()
                        self._take_pending()
                    leading = True
                    await self.reconcile()
                    next_sweep = loop.time() + self.reconcile_every
                elif leading and not held:
                    leading = False
                    await self._unlisten()
                    self.jobs.remove_all_jobs()
                if not leading:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=self.follower_retry)
                    continue
                timeout = max(0.0, min(self.follower_retry, next_sweep - loop.time()))
                if await self._wait(stop, timeout):
                    # Let the burst finish: everything committed meanwhile is one re-plan.
                    await asyncio.sleep(self.debounce)
                    if self.quiet is not None:  # and start it between commands
                        await self.quiet(YIELD_AT_MOST)
                    self._changed.clear()
                    await self.replan(self._take_pending())
        finally:
            unsubscribe()
            await self._unlisten()
            self.jobs.shutdown(wait=False)
            await self._db(self.leader.release)
            self.executor.shutdown(wait=False)
            metrics.set_leader(False)


def _people_of(change: changes.Change | None) -> PeopleOf | None:
    if change is None or change.broad:
        return None
    return PeopleOf(change.people, change.actions)


async def run_scheduler(
    engine: Engine,
    messengers: Mapping[str, Messenger],
    clock: Clock,
    stop: asyncio.Event,
    *,
    reconcile_every: float = RECONCILE_EVERY,
    follower_retry: float = FOLLOWER_RETRY,
    debounce: float = DEBOUNCE,
    send_concurrency: int = SEND_CONCURRENCY,
    quiet: Quiet | None = None,
) -> None:
    """Run the scheduler until ``stop`` is set (call it from ``motesbot run``'s event loop).

    Args:
        engine: the database.
        messengers: platform name → messenger (see ``bot.messengers.build_messengers``).
        clock: returns the current time, aware (``Settings.now``).
        stop: set it to shut down.
        reconcile_every: seconds between the leader's safety sweeps (a setting).
        follower_retry: seconds between a follower's attempts to lead (a setting).
        debounce: seconds a burst of changes is gathered into one re-plan (a setting).
        send_concurrency: how many scheduled sends may be in flight at once (a setting).
        quiet: waits while people's commands are being worked on (the Slack adapter's);
            scheduled sends go in the gaps between commands.
    """
    service = SchedulerService(
        engine,
        messengers,
        clock,
        reconcile_every=reconcile_every,
        follower_retry=follower_retry,
        debounce=debounce,
        send_concurrency=send_concurrency,
        quiet=quiet,
    )
    await service.run(stop)


def start_in_thread(
    engine: Engine,
    messengers: Mapping[str, Messenger],
    clock: Clock,
    *,
    reconcile_every: float = RECONCILE_EVERY,
    follower_retry: float = FOLLOWER_RETRY,
    debounce: float = DEBOUNCE,
    send_concurrency: int = SEND_CONCURRENCY,
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
                debounce=debounce,
                send_concurrency=send_concurrency,
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
