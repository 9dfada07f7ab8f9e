"""Scheduled sends under faults: Slack rate limits and errors in bursts, a sender killed mid-send.

The Slack Web API is the local stub (``tests/bot/slack/slack_stub.py``) at its
wire protocol; the messages go through the real slack-sdk client with its retry
handlers. "Exactly once" is counted at the stub: the chat.postMessage calls it
answered with ``ok: true``, per recipient.
"""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.messengers import build_messengers
from scheduler.tick import SENT, run_tick
from tests.bot.slack.conftest import SECRET, SlackHarness, slack, slack_settings
from tests.bot.slack.slack_stub import SlackStub
from tests.proof.processes import CLI, base_env, cli, until

__all__ = ["slack"]  # the harness fixture, imported for this module's tests

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MORNING = datetime(2026, 11, 24, 8, 0, tzinfo=STOCKHOLM)  # a Tuesday
PEOPLE = ["U0SEK", "U0LISA", "U0P1"]


class RecordingStub(SlackStub):
    """The Slack stub that also remembers which calls it answered ``ok`` and can hold a method.

    A held method's requests are recorded and then left unanswered until ``release``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.delivered: list[tuple[str, str]] = []  # (method, channel) answered ok
        self.held: set[str] = set()
        self.holding: list[str] = []
        self._release = asyncio.Event()

    def release(self) -> None:
        self.held.clear()
        self._release.set()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method in self.held:
            self.holding.append(method)
            await self._release.wait()
            raise web.HTTPServiceUnavailable()
        response = await super()._api(request)
        if response.status == 200 and json.loads(response.text or "{}").get("ok"):
            args = await self._args(request)
            self.delivered.append((method, str(args.get("channel", ""))))
        return response

    def posted(self) -> dict[str, int]:
        """Successful chat.postMessage calls per DM recipient."""
        counts: dict[str, int] = {}
        for method, channel in self.delivered:
            if method == "chat.postMessage" and channel.startswith("D"):
                counts[channel[1:]] = counts.get(channel[1:], 0) + 1
        return counts


@pytest.fixture
async def stub() -> AsyncIterator[RecordingStub]:
    """Overrides the harness's stub with the recording one."""
    fake = RecordingStub()
    fake.users["U0P1"] = {
        **fake.users["U0LISA"],
        "id": "U0P1",
        "name": "per",
        "real_name": "Per Persson",
        "profile": {"real_name": "Per Persson", "display_name": "Per"},
    }
    await fake.start()
    yield fake
    fake.release()
    await fake.stop()


async def give_everyone_a_due_action(slack: SlackHarness) -> None:
    for n, uid in enumerate(PEOPLE, start=1):
        answer = await slack.command("/action", f"add Uppgift {n} <@{uid}> senast 2026-11-24")
        assert answer.status == 200


def statuses(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [str(s) for (s,) in conn.execute(text("SELECT status FROM delivery"))]


async def test_rate_limits_and_server_errors_in_bursts_delay_but_never_lose_or_double(
    slack: SlackHarness, stub: RecordingStub
) -> None:
    await give_everyone_a_due_action(slack)
    messengers = build_messengers(slack_settings(stub, slack.engine), slack.engine, io.StringIO())
    # A burst longer than the client's own retries (3 on 429, 2 on 5xx), then one more.
    stub.fail("chat.postMessage", status=429, headers={"Retry-After": "0"}, times=5)
    stub.fail("chat.postMessage", status=500, times=3)
    stub.fail("chat.postMessage", status=429, headers={"Retry-After": "0"}, times=1)

    now, ticks, outcomes = MORNING, 0, []
    while len(stub.posted()) < len(PEOPLE):
        ticks += 1
        assert ticks <= 6, (outcomes, stub.posted())
        reports = await run_tick(slack.engine, messengers, now)
        outcomes.append(sorted(r.outcome for r in reports))
        # The scheduler's next look: past the first backoff (30 s), well inside the morning.
        now += timedelta(minutes=1)
    assert ticks > 1, "the bursts should have delayed at least one DM to a later tick"
    assert any("retry" in tick for tick in outcomes), outcomes
    assert stub.failures["chat.postMessage"] == []  # every injected failure was met

    # Later ticks find nothing left; each person has exactly one DM.
    for _ in range(2):
        assert [r for r in await run_tick(slack.engine, messengers, now) if r.outcome == SENT] == []
        now += timedelta(minutes=5)
    assert stub.posted() == {uid: 1 for uid in PEOPLE}
    assert statuses(slack.engine) == ["sent"] * len(PEOPLE)


async def test_a_sender_killed_between_claim_and_send_sends_once_after_the_lease(
    slack: SlackHarness, stub: RecordingStub, tmp_path: Path
) -> None:
    await give_everyone_a_due_action(slack)
    env = base_env(
        DATABASE_URL=slack.engine.url.render_as_string(hide_password=False),
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=stub.api_url,
        # One send at a time, so the kill finds exactly one claim in flight (with N at once
        # it would find up to N, each sent once after the lease all the same).
        MOTESBOT_SEND_CONCURRENCY="1",
    )
    at = MORNING + timedelta(minutes=1)
    # The tick claims the first DM, then waits on Slack (conversations.open held): killed there.
    stub.held.add("conversations.open")
    proc = subprocess.Popen(
        [*CLI, "tick", "--at", at.isoformat()],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        async def claimed() -> bool:
            return bool(stub.holding) and statuses(slack.engine) == ["claimed"]

        await until(claimed, timeout=30, what="the tick claimed a DM and called Slack")
    finally:
        proc.kill()
        await asyncio.to_thread(proc.wait, 10)
    stub.release()
    assert stub.posted() == {}

    # Restarted within the lease: the others go, the orphaned claim is left alone.
    soon = await cli(
        "tick", "--at", (at + timedelta(minutes=1)).isoformat(), env=env, workdir=tmp_path
    )
    assert "2 meddelanden skickade" in soon.stdout, soon.stdout
    assert sorted(statuses(slack.engine)) == ["claimed", "sent", "sent"]
    # After the lease (2 min) the orphan is taken over and sent, once.
    later = await cli(
        "tick", "--at", (at + timedelta(minutes=4)).isoformat(), env=env, workdir=tmp_path
    )
    assert "1 meddelande skickat" in later.stdout, later.stdout
    again = await cli(
        "tick", "--at", (at + timedelta(minutes=9)).isoformat(), env=env, workdir=tmp_path
    )
    assert "0 meddelanden skickade" in again.stdout, again.stdout
    assert stub.posted() == {uid: 1 for uid in PEOPLE}
    assert statuses(slack.engine) == ["sent"] * len(PEOPLE)
