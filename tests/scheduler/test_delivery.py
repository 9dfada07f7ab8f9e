"""Exactly once: claims, a crash between claim and send, retries with backoff, routing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import Session, select

from commands.reply import Reply
from scheduler import delivery
from scheduler.messenger import DeliveryError
from scheduler.tick import plan, run_tick
from storage.models import Delivery, Person, Workspace
from tests.conftest import Transcript
from tests.scheduler.helpers import Runner, at, build_kc


class Flaky:
    """A messenger whose first ``failures`` DMs to Lisa fail."""

    platform = "console"

    def __init__(self, failures: int, *, permanent: bool = False) -> None:
        self.failures = failures
        self.permanent = permanent
        self.delivered: list[str] = []

    async def send_dm(self, *, workspace: Workspace, person: Person, reply: Reply) -> None:
        if self.failures > 0 and person.display_name == "Lisa Berg":
            self.failures -= 1
            raise DeliveryError("rate limited", permanent=self.permanent)
        self.delivered.append(person.display_name)

    async def post_channel(self, *, workspace: Workspace, channel_id: str, reply: Reply) -> None:
        self.delivered.append(channel_id)


def _rows(console: Transcript) -> list[Delivery]:
    with Session(console.engine) as session:
        return list(session.exec(select(Delivery)))


def test_killed_between_claim_and_send_is_sent_once_after_restart(console: Transcript) -> None:
    build_kc(console)
    now = at("2026-11-26 08:00")
    # The first process claims Lisa's DM and dies before sending.
    due = plan(console.engine, now)
    lisa = next(o for o in due if o.person and o.person.display_name == "Lisa Berg")
    claim = delivery.claim(console.engine, lisa.key, workspace_id=1, node="dead", now=now)
    assert claim is not None
    runner = Runner(console.engine)
    # Restarted a minute later: the claim may belong to a living sender; only Per goes.
    runner.tick(now + timedelta(minutes=1))
    assert runner.sent_to() == ["Per Holm"]
    # Once the lease has run out the DM is taken over and sent, once.
    runner.tick(now + delivery.LEASE)
    assert runner.sent_to() == ["Per Holm", "Lisa Berg"]
    runner.tick(now + delivery.LEASE + timedelta(minutes=5))
    assert runner.sent_to() == ["Per Holm", "Lisa Berg"]
    # The dead process cannot mark the row it lost.
    assert delivery.mark_sent(console.engine, claim, now=now) is False
    assert {r.status for r in _rows(console)} == {"sent"}


def test_failed_send_is_retried_with_backoff_and_sent_once(console: Transcript) -> None:
    build_kc(console)
    flaky = Flaky(failures=2)
    now = at("2026-11-26 08:00")

    def tick(moment: object) -> list[str]:
        reports = asyncio.run(run_tick(console.engine, {"console": flaky}, moment))  # type: ignore[arg-type]
        return [r.outcome for r in reports]

    assert sorted(tick(now)) == ["retry", "sent"]  # Lisa's fails, Per's goes
    assert tick(now + timedelta(seconds=10)) == []  # within the 30 s backoff
    assert tick(now + timedelta(seconds=30)) == ["retry"]  # second failure: 60 s backoff
    assert tick(now + timedelta(seconds=60)) == []
    assert tick(now + timedelta(seconds=90)) == ["sent"]
    assert tick(now + timedelta(hours=1)) == []
    assert sorted(flaky.delivered) == ["Lisa Berg", "Per Holm"]
    rows = _rows(console)
    assert {r.status for r in rows} == {"sent"}
    assert sorted(r.attempts for r in rows) == [1, 3]


def test_permanent_failure_is_not_retried(console: Transcript) -> None:
    build_kc(console)
    flaky = Flaky(failures=1, permanent=True)
    now = at("2026-11-26 08:00")
    asyncio.run(run_tick(console.engine, {"console": flaky}, now))
    asyncio.run(run_tick(console.engine, {"console": flaky}, now + timedelta(hours=2)))
    assert len(flaky.delivered) == 1
    assert sorted(r.status for r in _rows(console)) == ["failed", "sent"]


def test_workspace_without_a_messenger_here_is_left_unclaimed(console: Transcript) -> None:
    build_kc(console)
    now = at("2026-11-26 08:00")
    reports = asyncio.run(run_tick(console.engine, {}, now))
    assert {r.outcome for r in reports} == {"no_messenger"}
    assert _rows(console) == []
    runner = Runner(console.engine)
    runner.tick(now)
    assert len(runner.messenger.sent) == 2


def test_dry_run_claims_nothing(console: Transcript) -> None:
    build_kc(console)
    runner = Runner(console.engine)
    reports = runner.tick("2026-11-26 08:00", dry_run=True)
    assert [r.outcome for r in reports] == ["dry_run", "dry_run"]
    assert runner.messenger.sent == [] and _rows(console) == []
    assert len(runner.tick("2026-11-26 08:00")) == 2
