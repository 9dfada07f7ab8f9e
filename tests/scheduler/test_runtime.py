"""The scheduler inside the running bot: it catches up at start and sends once."""

from __future__ import annotations

import asyncio
import io

from bot.console.messenger import ConsoleMessenger
from scheduler.runtime import SchedulerService, run_scheduler
from tests.conftest import Transcript
from tests.scheduler.helpers import at, build_kc


async def test_run_scheduler_catches_up_and_stops(console: Transcript) -> None:
    build_kc(console)
    messenger = ConsoleMessenger(io.StringIO())
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_scheduler(console.engine, {"console": messenger}, lambda: at("2026-12-08 09:00"), stop)
    )
    for _ in range(200):
        if len(messenger.sent) >= 5:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    # Tuesday's morning DMs, Monday's status requests (still useful) and the digest, once each.
    assert sorted(s.to for s in messenger.sent) == [
        "Lisa Berg",
        "Lisa Berg",
        "Per Holm",
        "Per Holm",
        "kc",
    ]


async def test_reconcile_rebuilds_exact_time_jobs(console: Transcript) -> None:
    build_kc(console)
    service = SchedulerService(
        console.engine, {"console": ConsoleMessenger(io.StringIO())}, lambda: at("2026-12-07 20:00")
    )
    service.jobs.start(paused=True)  # planned on the test's clock, not run on the real one
    try:
        await service.reconcile()
        runs = sorted(j.next_run_time for j in service.jobs.get_jobs() if j.id.startswith("tick@"))
        assert [r.astimezone(at("2026-12-08 00:00").tzinfo).strftime("%d %H:%M") for r in runs] == [
            "08 08:00",
            "08 09:00",
        ]
        # A preference change is picked up by the next reconcile.
        console.now = at("2026-12-07 20:10")
        console.send("/action påminnelser 07:15", user="Lisa Berg")
        await service.reconcile()
        runs = sorted(j.next_run_time for j in service.jobs.get_jobs() if j.id.startswith("tick@"))
        assert len(runs) == 3
    finally:
        service.jobs.shutdown(wait=False)
