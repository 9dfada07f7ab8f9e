"""A slash command runs in the thread that records it; a slow one never holds the ack back."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.slack import inbox
from bot.slack.inbox import HeadStart, _record_then_start
from storage.inbox import Recorded
from tests.bot.slack.conftest import SlackHarness
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


async def test_scheduled_sends_wait_for_a_command_running_in_its_head_start(
    slack_pg: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The morning fan-out yields to commands; it did not see one run before its listener."""
    monkeypatch.setattr(inbox, "ACK_WAIT_SECONDS", 5.0)  # the head start's own window
    slack = slack_pg
    await slack.command("/action", "add Boka lokal senast 2026-12-04")  # meets the caller
    await slack.service.drain()
    work = slack.service.work
    with slack.engine.connect() as blocker:
        # Another transaction holds the workspace row: the command's number waits for it.
        blocker.execute(text("SELECT id FROM workspace FOR UPDATE"))
        command = asyncio.ensure_future(slack.command("/action", "add Skicka kallelse"))
        await asyncio.to_thread(_until_a_statement_waits_for_a_lock, slack.engine)
        began = time.perf_counter()
        await work.quiet(0.5)
        assert time.perf_counter() - began >= 0.45  # a command was in flight
        blocker.rollback()
    answer = await command
    assert answer.status == 200
    assert "Åtgärd #2" in slack.stub.of("response_url")[-1].args["text"]
    await slack.service.drain()
    began = time.perf_counter()
    await work.quiet(0.5)
    assert time.perf_counter() - began < 0.1  # and nothing is once it answered


def _until_a_statement_waits_for_a_lock(engine: Engine) -> None:
    with engine.connect() as watcher:
        for _ in range(500):
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            watcher.rollback()
            if waiting:
                return
            time.sleep(0.01)
    raise AssertionError("the command never reached the locked row")
