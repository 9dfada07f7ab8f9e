"""``motesbot run`` with Slack configured, as a real process, stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from tests.bot.slack.conftest import SECRET, sign
from tests.bot.slack.slack_stub import TEAM, SlackStub


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_healthy(
    http: aiohttp.ClientSession, base: str, proc: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        try:
            async with http.get(f"{base}/healthz") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("motesbot run did not become healthy")


async def test_motesbot_run_serves_slack_and_stops_on_sigterm(
    tmp_path: Path, stub: SlackStub
) -> None:
    port = _free_port()
    db = tmp_path / "run.db"
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-run-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": stub.api_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{db}",
        "MOTESBOT_NOW": "2026-11-23T09:00:00+01:00",
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "run"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await _wait_healthy(http, base, proc)
            body = urlencode(
                {
                    "team_id": TEAM,
                    "channel_id": "CKC",
                    "user_id": "U0SEK",
                    "user_name": "sara",
                    "command": "/action",
                    "text": "add Ring Anna <@U0LISA> senast 2026-12-05",
                    "response_url": stub.response_url("run"),
                    "trigger_id": "1.run",
                }
            )
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
            start = time.perf_counter()
            async with http.post(f"{base}/slack/events", data=body, headers=headers) as resp:
                assert resp.status == 200
            assert time.perf_counter() - start < 3
            [answer] = await stub.wait_for("response_url", timeout=10)
            assert "#1" in answer.args["text"]
        proc.send_signal(signal.SIGTERM)
        # Wait without blocking the loop: the stub must keep answering during shutdown.
        assert await asyncio.to_thread(proc.wait, 15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    export = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "export", "--format", "json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        check=True,
    )
    [ws] = [w for w in json.loads(export.stdout)["workspaces"] if w["platform"] == "slack"]
    [action] = ws["actions"]
    assert action["text"] == "Ring Anna" and action["owners"][0]["name"] == "Lisa Andersson"
