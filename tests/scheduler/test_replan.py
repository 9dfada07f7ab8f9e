"""The scheduler re-plans when schedule data changes, not on a clock; NOTIFY across replicas."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.console.messenger import ConsoleMessenger
from commands.reply import Reply
from scheduler.messenger import DeliveryError, Messenger
from scheduler.runtime import TICK_GAP, SchedulerService
from storage.changes import Change
from storage.db import make_engine
from storage.models import Person, Workspace
from tests.conftest import Transcript
from tests.scheduler.helpers import STHLM, at, build_kc, send


async def until(check: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def wake_ups(service: SchedulerService) -> list[str]:
    """The exact-time tick jobs, as Stockholm "day hh:mm"."""
    runs = sorted(
        job.next_run_time.astimezone(UTC)
        for job in service.jobs.get_jobs()
        if job.id.startswith("tick@")
    )
    return [r.astimezone(STHLM).strftime("%d %H:%M") for r in runs]


class Running:
    """A scheduler service running on this loop, with a fixed clock."""

    def __init__(
        self,
        engine: Engine,
        now: datetime,
        messenger: Messenger | None = None,
        *,
        tick_gap: float = TICK_GAP,
    ) -> None:
        self.service = SchedulerService(
            engine,
            {"console": messenger or ConsoleMessenger(io.StringIO())},
            lambda: now,
            debounce=0.01,
            jobs_paused=True,  # the fixed clock is not APScheduler's: inspect, do not run
            tick_gap=tick_gap,
        )
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> SchedulerService:
        self.task = asyncio.create_task(self.service.run(self.stop))
        await until(lambda: self.service.sweeps == 1 and bool(wake_ups(self.service)), "a plan")
        return self.service

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        assert self.task is not None
        await asyncio.wait_for(self.task, timeout=10)


async def test_a_committed_change_adds_its_wake_up_at_once_and_a_read_changes_nothing(
    console: Transcript,
) -> None:
    build_kc(console)
    async with Running(console.engine, at("2026-12-07 20:00")) as service:
        assert wake_ups(service) == ["08 08:00", "08 09:00"]
        replans = service.replans

        # A preference change: Lisa's reminder moves to 07:15, a new exact wake-up.
        send(console, "2026-12-07 20:10", "/action påminnelser 07:15", user="Lisa Berg")
        await until(lambda: "08 07:15" in wake_ups(service), "the 07:15 wake-up")
        assert service.replans == replans + 1
        assert service.sweeps == 1  # no sweep was needed

        # Reading changes nothing the schedule is made of: no re-plan.
        send(console, "2026-12-07 20:11", "/action list", "/meeting next")
        await asyncio.sleep(0.2)
        assert service.replans == replans + 1

        # A burst of changes (the loop is busy with them) is one re-plan.
        lines = [f'/action add Uppgift {n} @"Person {n}" senast 2026-12-09' for n in range(10)]
        send(console, "2026-12-07 20:12", *lines)
        send(console, "2026-12-07 20:12", "/meeting new Extramöte 2026-12-08 13:00-14:00")
        await until(lambda: service.replans == replans + 2, "one re-plan for the burst")
        await asyncio.sleep(0.2)
        assert service.replans == replans + 2


async def test_a_moved_meeting_moves_its_digest_wake_up(console: Transcript) -> None:
    build_kc(console)
    # Tue 8 Dec: the digest of Thu 10 Dec goes at 09:00 (2 working days before).
    async with Running(console.engine, at("2026-12-07 20:00")) as service:
        assert "08 09:00" in wake_ups(service)
        send(console, "2026-12-07 20:05", "/meeting move 2026-12-10 2026-12-11")
        await until(lambda: "08 09:00" not in wake_ups(service), "the old digest dropped")
        # Fri 11 Dec: its digest is on Wed 9 Dec, beyond the day planned ahead.
        assert wake_ups(service) == ["08 08:00"]


class FailsLisaOnce:
    """A platform (faked at our Messenger port) that refuses Lisa's first DM."""

    platform = "console"
    in_order = True

    def __init__(self) -> None:
        self.failed = False

    async def send_dm(self, *, workspace: Workspace, person: Person, reply: Reply) -> None:
        if person.display_name == "Lisa Berg" and not self.failed:
            self.failed = True
            raise DeliveryError("Slack: internal_error")

    async def post_channel(self, *, workspace: Workspace, channel_id: str, reply: Reply) -> None:
        pass


async def test_a_failed_send_wakes_the_scheduler_when_its_backoff_ends(console: Transcript) -> None:
    build_kc(console)
    now = at("2026-11-26 08:00")
    async with Running(console.engine, now, FailsLisaOnce()) as service:
        runs = {job.next_run_time for job in service.jobs.get_jobs() if job.id.startswith("tick@")}
        assert now + timedelta(seconds=30) in runs  # the first backoff, not a minute loop


async def test_an_action_due_now_is_sent_after_the_change_ticks_at_most_once_a_minute(
    console: Transcript,
) -> None:
    build_kc(console)
    now = at("2026-11-26 09:00")  # after everyone's 08:00
    line = '/action add Ring Anna @"Anna Ek" senast 2026-11-26'
    printed = ConsoleMessenger(io.StringIO())
    async with Running(console.engine, now, printed, tick_gap=0) as service:
        send(console, "2026-11-26 09:00", line)
        await until(lambda: "Anna Ek" in [s.to for s in printed.sent], "Anna's DM")
        assert service.sweeps == 1
    # A change that names its people ticks at once, for them only: forget every DM sent so
    # far (behind the scheduler's back) and only Bo, whose action it is, gets his now.
    async with Running(console.engine, now, printed) as service:
        with console.engine.begin() as conn:
            conn.execute(text("DELETE FROM delivery"))
        before = [s.to for s in printed.sent]
        send(console, "2026-11-26 09:00", line.replace("Anna Ek", "Bo Ek"))
        await until(lambda: "Bo Ek" in [s.to for s in printed.sent], "Bo's DM")
        assert [s.to for s in printed.sent][len(before) :] == ["Bo Ek"]
        assert service.narrow_ticks == 1
        assert [j.id for j in service.jobs.get_jobs() if j.id == "catch-up"] == []
    # A change that may concern anyone (a workspace setting) plans everyone, once a minute.
    async with Running(console.engine, now, printed) as service:
        service.changed(Change.everyone())
        await until(
            lambda: any(j.id == "catch-up" for j in service.jobs.get_jobs()), "the catch-up tick"
        )
        assert service.replans == 1 and service.narrow_ticks == 0


@pytest.fixture
def pg(postgres_engine: Engine) -> Engine:
    return postgres_engine


async def test_a_change_committed_by_another_replica_reaches_the_leader_by_notify(
    pg: Engine, postgres_url: str
) -> None:
    build_kc(Transcript(pg))
    other = make_engine(postgres_url)  # another replica: its commits do not signal in-process
    try:
        async with Running(pg, at("2026-12-07 20:00")) as service:
            assert service.listener is not None
            await until(service.listener.ready.is_set, "the leader LISTENs")
            replans = service.replans
            replica = Transcript(other)
            send(replica, "2026-12-07 20:10", "/action påminnelser 07:15", user="Lisa Berg")
            await until(lambda: "08 07:15" in wake_ups(service), "the 07:15 wake-up")
            assert service.replans >= replans + 1
    finally:
        other.dispose()
