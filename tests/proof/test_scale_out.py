"""Two ``motesbot run`` replicas on one PostgreSQL: one register, one sender, fail-over.

Both replicas are the real CLI in subprocesses, on two ports, with Slack
configured against one local stub of the Slack Web API. Their clock is fixed
at a working-day morning after 08:00 (MOTESBOT_NOW), so every person with an
open action due today has a morning DM due at once. Signed slash commands go
to either port; the leader sends the DMs; it is killed with SIGKILL; the other
replica takes the lock over and sends the DMs still due. At the end every
person got exactly one DM.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from sqlalchemy import text

from storage.db import make_engine
from tests.bot.slack.conftest import SECRET, sign
from tests.bot.slack.slack_stub import TEAM, SlackStub
from tests.proof.processes import BotProcess, base_env, cli, free_port, start_run, until

MORNING = "2026-11-24T08:05:00+01:00"  # a Tuesday, after everyone's 08:00 reminder time
LEADER = "motesbot_leader"
FIRST = ["U0P1", "U0P2", "U0P3"]  # their actions arrive while the first leader lives
SECOND = ["U0P4", "U0P5", "U0P6"]  # theirs after it was killed


def add_people(stub: SlackStub) -> None:
    for n, uid in enumerate(FIRST + SECOND, start=1):
        stub.users[uid] = {
            "id": uid,
            "name": f"person{n}",
            "real_name": f"Person {n}",
            "tz": "Europe/Stockholm",
            "locale": "sv-SE",
            "profile": {"real_name": f"Person {n}", "display_name": f"Person{n}"},
        }


def dms(stub: SlackStub) -> dict[str, int]:
    """chat.postMessage calls per DM channel (the stub opens D<user> for each user)."""
    counts: dict[str, int] = {}
    for call in stub.of("chat.postMessage"):
        channel = str(call.args.get("channel", ""))
        if channel.startswith("D"):
            counts[channel[1:]] = counts.get(channel[1:], 0) + 1
    return counts


class Client:
    """Signed slash commands, as Slack sends them, to whichever replica we choose."""

    def __init__(self, http: aiohttp.ClientSession, stub: SlackStub) -> None:
        self.http = http
        self.stub = stub
        self.sent = 0

    async def command(self, bot: BotProcess, line: str) -> None:
        self.sent += 1
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
                "text": line,
                "api_app_id": "A0MOTE",
                "response_url": self.stub.response_url(f"c{self.sent}"),
                "trigger_id": f"{self.sent}.scale",
            }
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        started = time.perf_counter()
        async with self.http.post(f"{bot.base}/slack/events", data=body, headers=headers) as resp:
            assert resp.status == 200, await resp.text()
        assert time.perf_counter() - started < 3
        answers = await self.stub.wait_for("response_url", self.sent, timeout=15)
        [answer] = [a for a in answers if a.args["_name"] == f"c{self.sent}"]
        assert re.search(r"#\d+", answer.args["text"]), answer.args["text"]


def delivery_nodes(url: str) -> dict[str, tuple[str, str]]:
    """Morning-DM delivery rows: recipient → (status, claimed_by)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT recipient, status, claimed_by FROM delivery WHERE kind='morning_dm'")
            ).all()
    finally:
        engine.dispose()
    return {str(r[0]): (str(r[1]), str(r[2])) for r in rows}


async def test_two_replicas_one_register_one_sender_and_fail_over(
    postgres_url: str, tmp_path: Path
) -> None:
    stub = SlackStub()
    add_people(stub)
    await stub.start()
    common = base_env(
        DATABASE_URL=postgres_url,
        SLACK_BOT_TOKEN="xoxb-scale-out",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=stub.api_url,
        MOTESBOT_NOW=MORNING,
        # The leader looks for new work every half second (production: every minute);
        # the follower keeps the production retry, so the fail-over time is the real one.
        MOTESBOT_RECONCILE_SECONDS="0.5",
    )
    # The release step, once, before the replicas start (docs/deployment.md).
    await cli("db", "upgrade", env=common, workdir=tmp_path)
    bots: list[BotProcess] = []
    try:
        async with aiohttp.ClientSession() as http:
            a = start_run("a", {**common, "PORT": str(free_port())}, tmp_path)
            bots.append(a)
            await until(lambda: a.healthy(http), timeout=30, what="a healthy")

            async def a_leads() -> bool:
                return await a.metric(http, LEADER) == 1

            await until(a_leads, timeout=15, what="a is the leader")
            b = start_run("b", {**common, "PORT": str(free_port())}, tmp_path)
            bots.append(b)
            await until(lambda: b.healthy(http), timeout=30, what="b healthy")
            assert await b.metric(http, LEADER) == 0
            assert await a.metric(http, LEADER) == 1

            client = Client(http, stub)
            # Commands alternate between the two replicas; all land in one register.
            lines = [
                f"add Uppgift {n} för {uid} <@{uid}> senast 2026-11-24"
                for n, uid in enumerate(FIRST * 2, start=1)
            ]
            for i, line in enumerate(lines):
                await client.command((a, b)[i % 2], line)

            async def first_dms_sent() -> bool:
                return set(dms(stub)) == set(FIRST)

            await until(first_dms_sent, timeout=20, what="the leader sent the first DMs")
            rows = delivery_nodes(postgres_url)
            assert len(rows) == 3 and all(s == "sent" for s, _ in rows.values()), rows
            # Only the leader sent: every claim carries its pid.
            assert all(f":{a.pid}:" in node for _, node in rows.values()), (a.pid, rows)
            assert await b.metric(http, LEADER) == 0

            a.kill()
            killed = time.monotonic()
            for n, uid in enumerate(SECOND, start=len(lines) + 1):
                await client.command(b, f"add Uppgift {n} för {uid} <@{uid}> senast 2026-11-24")

            async def b_leads() -> bool:
                return await b.metric(http, LEADER) == 1

            await until(b_leads, timeout=30, what="b took over")
            takeover = time.monotonic() - killed

            async def all_dms_sent() -> bool:
                return set(dms(stub)) == set(FIRST + SECOND)

            await until(all_dms_sent, timeout=30, what="b sent the remaining DMs")
            assert time.monotonic() - killed < 30, "the DMs due at the kill went out too late"
            rows = delivery_nodes(postgres_url)
            assert len(rows) == 6 and all(s == "sent" for s, _ in rows.values()), rows
            assert sum(f":{b.pid}:" in node for _, node in rows.values()) == 3, rows

            # A tick of our own at the same instant finds nothing left to send ...
            tick = await cli("tick", env=common, workdir=tmp_path)
            assert "0 meddelanden skickade" in tick.stdout, tick.stdout
            # ... and each person got exactly one DM, none twice, none missing.
            assert dms(stub) == {uid: 1 for uid in FIRST + SECOND}
            print(f"take-over after SIGKILL: {takeover:.1f} s")
        b.stop()
    finally:
        for bot in bots:
            if bot.proc.poll() is None:
                bot.kill()
        await stub.stop()

    export = await cli("export", "--format", "json", env=common, workdir=tmp_path)
    [ws] = [w for w in json.loads(export.stdout)["workspaces"] if w["platform"] == "slack"]
    numbers = [action["number"] for action in ws["actions"]]
    assert sorted(numbers) == list(range(1, 10)), numbers
    texts = {action["text"] for action in ws["actions"]}
    assert all(
        any(f"Uppgift {n} " in t or t.endswith(f"Uppgift {n}") for t in texts) for n in range(1, 10)
    ), texts
