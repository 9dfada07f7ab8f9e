"""A slash command runs in the thread that records it; a slow one never holds the ack back."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.slack import inbox
from bot.slack.inbox import HeadStart, _record_then_start
from storage.inbox import Recorded
from tests.conftest import NOW


class Plan:
    """A head start whose work waits for ``go`` (set at once unless a test holds it)."""

    def __init__(self, *, hold: bool = False) -> None:
        self.go = threading.Event()
        if not hold:
            self.go.set()
        self.ran: list[int | None] = []
        self.released = 0

    def work(self) -> object:
        self.go.wait(5)
        ticket = inbox.CURRENT.get()
        self.ran.append(ticket.item_id if ticket else None)
        return "answer"

    def head_start(self) -> HeadStart:
        def release() -> None:
            self.released += 1

        return HeadStart(work=self.work, release=release)


async def test_a_quick_command_is_acknowledged_with_its_answer_ready() -> None:
    plan = Plan()
    recorded, started = await _record_then_start(
        lambda: Recorded(7, True, "processing"), plan.head_start(), NOW
    )
    assert recorded.item_id == 7
    assert started.done() and started.result() == "answer"
    assert plan.ran == [7]  # the work saw its own row as the current ticket
    assert plan.released == 1


async def test_a_slow_command_lets_the_acknowledgement_go_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(inbox, "ACK_WAIT_SECONDS", 0.05)
    plan = Plan(hold=True)
    began = time.perf_counter()
    recorded, started = await _record_then_start(
        lambda: Recorded(8, True, "processing"), plan.head_start(), NOW
    )
    waited = time.perf_counter() - began
    assert recorded.item_id == 8 and not started.done()
    assert waited < 1  # the row is stored: Slack gets its 200 while the command still runs
    assert plan.released == 0  # the worker is still taken
    plan.go.set()
    assert await started == "answer"
    await asyncio.sleep(0)
    assert plan.released == 1


async def test_a_row_that_cannot_be_written_starts_nothing() -> None:
    plan = Plan()

    def refused() -> Recorded:
        raise RuntimeError("database is locked")

    with pytest.raises(RuntimeError, match="locked"):
        await _record_then_start(refused, plan.head_start(), NOW)
    await asyncio.sleep(0)
    assert plan.ran == []
    assert plan.released == 1


async def test_a_redelivery_is_not_run_again() -> None:
    plan = Plan()
    recorded, started = await _record_then_start(
        lambda: Recorded(9, False, "done"), plan.head_start(), NOW
    )
    assert not recorded.new
    assert await started is None
    assert plan.ran == []
