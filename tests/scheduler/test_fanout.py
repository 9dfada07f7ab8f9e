"""The morning fan-out: bounded concurrency, one message a second per target, Retry-After.

The platform is faked at our Messenger port (an outside service); time is a fake
monotonic clock whose sleep advances it, so nothing waits on real time.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from commands.reply import Reply
from scheduler import delivery
from scheduler.messenger import DeliveryError
from scheduler.pacing import YIELD_AT_MOST, Pacer
from scheduler.tick import SENT, plan, run_tick
from storage.db import transaction
from storage.models import Person, Workspace
from tests.conftest import Transcript
from tests.scheduler.helpers import at, build_kc, send

MONDAY = at("2026-12-07 08:00")  # morning DMs and the status requests of Thu's KC-möte


class FakeTime:
    """Monotonic seconds that move only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


class Platform:
    """A chat platform at our Messenger port: records when, to whom and how many at once."""

    platform = "console"
    min_send_interval = 1.0

    def __init__(self, time: FakeTime, *, rate_limited: int = 0, retry_after: float = 0) -> None:
        self.time = time
        self.in_flight = 0
        self.most_at_once = 0
        self.sends: list[tuple[str, float]] = []
        self.rate_limited = rate_limited
        self.retry_after = retry_after

    async def _send(self, target: str) -> None:
        if self.rate_limited:
            self.rate_limited -= 1
            raise DeliveryError("ratelimited", retry_after=self.retry_after)
        self.in_flight += 1
        self.most_at_once = max(self.most_at_once, self.in_flight)
        self.sends.append((target, self.time.now))
        await asyncio.sleep(0.01)  # the request takes a while (the fake clock is not moved)
        self.in_flight -= 1

    async def send_dm(self, *, workspace: Workspace, person: Person, reply: Reply) -> None:
        await self._send(f"person:{person.id}")

    async def post_channel(self, *, workspace: Workspace, channel_id: str, reply: Reply) -> None:
        await self._send(f"channel:{channel_id}")


def many_people(console: Transcript, count: int) -> None:
    build_kc(console)
    lines = [f'/action add Uppgift {n} @"Person {n}" senast 2026-12-08' for n in range(count)]
    send(console, "2026-12-04 12:00", *lines)


async def test_the_fan_out_sends_at_most_n_at_once_and_one_a_second_per_target(
    console: Transcript,
) -> None:
    many_people(console, 30)
    time = FakeTime()
    platform = Platform(time)
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    reports = await run_tick(
        console.engine, {"console": platform}, MONDAY, concurrency=4, pacer=pacer
    )
    assert len(reports) == len(platform.sends) == 34  # 32 morning DMs, Lisa's and Per's requests
    assert {r.outcome for r in reports} == {SENT}
    # In parallel (34 were waiting), but never more than the setting.
    assert 2 <= platform.most_at_once <= 4
    # Lisa and Per get two DMs each (morning DM, status request): a second apart at least.
    by_target: dict[str, list[float]] = {}
    for target, moment in platform.sends:
        by_target.setdefault(target, []).append(moment)
    twice = [sorted(times) for times in by_target.values() if len(times) > 1]
    assert len(twice) == 2
    assert all(later - first >= 1.0 for first, later in twice)
    # Nobody else waited: distinct targets go out back to back.
    assert time.now < 5


async def test_a_retry_after_holds_the_workspace_and_the_message_waits_at_least_that_long(
    console: Transcript,
) -> None:
    many_people(console, 5)
    time = FakeTime()
    platform = Platform(time, rate_limited=1, retry_after=120)
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    reports = await run_tick(
        console.engine, {"console": platform}, MONDAY, concurrency=1, pacer=pacer
    )
    assert [r.outcome for r in reports].count(delivery.RETRY) == 1
    # Every send after the 429 waited out the Retry-After.
    assert platform.sends and all(moment >= 120 for _, moment in platform.sends)
    # The rate-limited message is not tried again before 120 s (the backoff alone is 30 s),
    # and the scheduler wakes up exactly then.
    [limited] = [r.outgoing for r in reports if r.outcome == delivery.RETRY]
    assert limited.key not in {o.key for o in plan(console.engine, MONDAY + timedelta(seconds=90))}
    again = MONDAY + timedelta(seconds=120)
    assert limited.key in {o.key for o in plan(console.engine, again)}
    with transaction(console.engine) as session:
        instants = delivery.pending_instants(session, MONDAY, MONDAY + timedelta(days=1))
    assert instants == {again}
    retried = await run_tick(console.engine, {"console": platform}, again, pacer=pacer)
    assert [(r.outgoing.key, r.outcome) for r in retried] == [(limited.key, SENT)]


async def test_scheduled_sends_wait_while_a_command_is_being_answered(
    console: Transcript,
) -> None:
    many_people(console, 6)
    time = FakeTime()
    platform = Platform(time)
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    answered = asyncio.Event()  # a person's command is being worked on until this is set
    waited: list[float] = []
    asked = asyncio.Event()

    async def quiet(at_most: float) -> None:
        waited.append(at_most)
        asked.set()
        await answered.wait()

    tick = asyncio.create_task(
        run_tick(
            console.engine,
            {"console": platform},
            MONDAY,
            concurrency=4,
            pacer=pacer,
            quiet=quiet,
        )
    )
    await asyncio.wait_for(asked.wait(), 30)  # planning runs in a worker thread
    for _ in range(50):
        await asyncio.sleep(0)
    # Planned and ready, but nothing goes out while the command is in flight.
    assert waited and platform.sends == []
    assert not tick.done()
    answered.set()
    reports = await tick
    assert len(reports) == len(platform.sends) == 10
    # Each wait is bounded, so a steady stream of commands cannot hold the DMs back for ever.
    assert set(waited) == {YIELD_AT_MOST}


async def test_sends_already_under_way_step_aside_for_a_command_that_arrives(
    console: Transcript,
) -> None:
    """A command arriving mid-fan-out waited for every send in flight, not only new ones."""
    many_people(console, 6)
    time = FakeTime()
    idle = asyncio.Event()
    idle.set()

    class Interrupted(Platform):
        async def _send(self, target: str) -> None:
            if not self.sends:
                idle.clear()  # someone's command arrives as the first DM goes out
            await super()._send(target)

    platform = Interrupted(time)

    async def quiet(at_most: float) -> None:
        await idle.wait()

    tick = asyncio.create_task(
        run_tick(
            console.engine,
            {"console": platform},
            MONDAY,
            concurrency=4,
            pacer=Pacer(clock=time.clock, sleep=time.sleep),
            quiet=quiet,
        )
    )
    while not platform.sends:
        await asyncio.sleep(0.01)
    for _ in range(20):
        await asyncio.sleep(0.01)
    # Every message had passed the wait before its claim; only the one already being
    # sent went out, the others wait at their next step.
    assert len(platform.sends) == 1
    assert not tick.done()
    idle.set()
    assert len(await tick) == 10
