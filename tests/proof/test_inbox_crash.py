"""Nothing acknowledged is lost: SIGKILL ``motesbot run`` under a stream of slash commands.

Signed ``/action add`` commands arrive open-loop at a fixed rate; the process is killed
with SIGKILL mid-stream, as by the OOM killer or a hard redeploy, and started again (on
PostgreSQL: a second replica was serving all along and takes the dead one's rows). Every
command that got a 200 must then be stored exactly once and answered at least once.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest

from tests.bot.slack.conftest import SECRET, sign
from tests.bot.slack.slack_stub import TEAM, SlackStub
from tests.proof.processes import BotProcess, base_env, cli, free_port, start_run, until

RATE = 50  # commands per second
KILL_AFTER = 3.0  # seconds into the stream
LEASE = "5"  # seconds a dead process's rows stay claimed (production: 30)
TEXT_RE = re.compile(r"Uppgift (\d+)\b")


class Stream:
    """Signed slash commands at a fixed rate; remembers which were acknowledged."""

    def __init__(self, http: aiohttp.ClientSession, stub: SlackStub) -> None:
        self.http = http
        self.stub = stub
        self.acked: set[int] = set()
        self.refused: set[int] = set()
        self.reasons: dict[str, int] = {}

    async def one(self, bot: BotProcess, n: int) -> None:
        body = urlencode(
            {
                "token": "legacy",
                "team_id": TEAM,
                "team_domain": "umea",
                "channel_id": "CKC",
                "channel_name": "kc-mote",
                "user_id": "U0SEK",
                "user_name": "sara",
                "command": "/action",
                "text": f"add Uppgift {n} senast 2027-01-29",
                "api_app_id": "A0MOTE",
                "response_url": self.stub.response_url(f"c{n}"),
                "trigger_id": f"{n}.crash",
            }
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        try:
            async with self.http.post(
                f"{bot.base}/slack/events", data=body, headers=headers
            ) as resp:
                text = await resp.text()
                # A 200 whose body is a "try again" is an honest refusal, not an ack.
                if resp.status == 200 and not text.strip():
                    self.acked.add(n)
                    return
                reason = f"{resp.status} {text[:60]}"
        except (aiohttp.ClientError, TimeoutError) as err:
            reason = type(err).__name__
        self.refused.add(n)
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    async def run(self, bots: list[BotProcess], *, seconds: float, first: int) -> int:
        """Send for ``seconds``, round-robin over ``bots``; return the next number."""
        tasks: list[asyncio.Task[None]] = []
        start = time.monotonic()
        n = first
        while time.monotonic() - start < seconds:
            target = start + (n - first) / RATE
            await asyncio.sleep(max(0.0, target - time.monotonic()))
            alive = [b for b in bots if b.proc.poll() is None]
            if alive:
                tasks.append(asyncio.create_task(self.one(alive[n % len(alive)], n)))
            n += 1
        await asyncio.gather(*tasks)
        return n


def answered(stub: SlackStub) -> dict[int, int]:
    """How many answers each command number got (response_url, ephemeral or DM)."""
    counts: dict[int, int] = {}
    for call in stub.of("response_url"):
        name = str(call.args.get("_name", ""))
        if name.startswith("c") and name[1:].isdigit():
            counts[int(name[1:])] = counts.get(int(name[1:]), 0) + 1
    for method in ("chat.postEphemeral", "chat.postMessage"):
        for call in stub.of(method):
            found = TEXT_RE.search(str(call.args.get("text", "")))
            if found:
                counts[int(found.group(1))] = counts.get(int(found.group(1)), 0) + 1
    return counts


async def stored(env: dict[str, str], workdir: Path) -> dict[int, int]:
    export = await cli("export", "--format", "json", env=env, workdir=workdir)
    counts: dict[int, int] = {}
    for ws in json.loads(export.stdout)["workspaces"]:
        for action in ws["actions"]:
            found = TEXT_RE.search(action["text"])
            if found:
                counts[int(found.group(1))] = counts.get(int(found.group(1)), 0) + 1
    return counts


async def crash_and_resume(url: str, tmp_path: Path, *, replicas: int) -> None:
    stub = SlackStub()
    await stub.start()
    env = base_env(
        DATABASE_URL=url,
        SLACK_BOT_TOKEN="xoxb-crash",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=stub.api_url,
        MOTESBOT_INBOX_LEASE_SECONDS=LEASE,
        MOTESBOT_INBOX_SWEEP_SECONDS="1",
    )
    await cli("db", "upgrade", env=env, workdir=tmp_path)
    bots: list[BotProcess] = []
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            for i in range(replicas):
                bot = start_run(f"bot{i}", {**env, "PORT": str(free_port())}, tmp_path)
                bots.append(bot)
                await until(lambda b=bot: b.healthy(http), timeout=60, what=f"bot{i} healthy")
            stream = Stream(http, stub)
            victim = bots[0]

            async def kill_later() -> None:
                await asyncio.sleep(KILL_AFTER)
                victim.kill()

            killer = asyncio.create_task(kill_later())
            last = await stream.run(bots, seconds=KILL_AFTER + 0.5, first=1)
            await killer
            if replicas == 1:
                again = start_run("again", {**env, "PORT": str(free_port())}, tmp_path)
                bots.append(again)
                await until(lambda: again.healthy(http), timeout=60, what="restarted")

            async def all_answered() -> bool:
                counts = answered(stub)
                return all(counts.get(n, 0) >= 1 for n in stream.acked)

            await until(all_answered, timeout=90, what="every acknowledged command answered")

            async def every_stored_one_answered() -> bool:
                # Commands cut off before their 200 may still have been recorded: those
                # are stored and answered too, late.
                counts = await stored(env, tmp_path)
                return all(answered(stub).get(n, 0) >= 1 for n in counts)

            await until(
                every_stored_one_answered, timeout=60, every=1, what="every stored one answered"
            )
        for bot in bots:
            bot.stop()
    finally:
        for bot in bots:
            if bot.proc.poll() is None:
                bot.kill()
        await stub.stop()

    counts = await stored(env, tmp_path)
    answers = answered(stub)
    sent = last - 1
    lost = sorted(n for n in stream.acked if counts.get(n, 0) == 0)
    doubled = sorted(n for n, c in counts.items() if c > 1)
    repeated = sum(1 for n in stream.acked if answers.get(n, 0) > 1)
    print(
        f"sent {sent}, acked {len(stream.acked)}, refused {len(stream.refused)}, "
        f"stored {sum(counts.values())}, answered {sum(1 for n in stream.acked if answers.get(n))}, "
        f"duplicated {len(doubled)}, answered twice {repeated}; refusals: {stream.reasons}"
    )
    assert len(stream.acked) > 10, "the stream was acknowledged before the kill"
    said = {
        n: [str(c.args.get("text", ""))[:200] for c in stub.of("response_url")
            if c.args.get("_name") == f"c{n}"]
        for n in lost
    }  # fmt: skip
    assert lost == [], f"acknowledged but not stored: {lost}; their answers: {said}"
    assert doubled == [], f"stored twice: {doubled}"
    # Refused commands stored nothing they did not say; a stored one was answered too.
    assert all(answers.get(n, 0) >= 1 for n in counts), "stored but never answered"


async def test_sigkill_under_load_loses_nothing_on_sqlite(tmp_path: Path) -> None:
    await crash_and_resume(f"sqlite:///{tmp_path}/motesbot.db", tmp_path, replicas=1)


@pytest.mark.usefixtures("postgres_url")
async def test_sigkill_of_one_replica_the_other_resumes_on_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    await crash_and_resume(postgres_url, tmp_path, replicas=2)
