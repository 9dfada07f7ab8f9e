"""``motesbot run`` with Slack and Teams together: one process, one port, every route."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
from sqlalchemy.engine import Engine

from bot.server import serve_all
from commands import metrics
from tests.bot.slack.conftest import SECRET, sign
from tests.bot.slack.slack_stub import SlackStub
from tests.bot.slack.test_run import _free_port, _wait_healthy


async def test_one_process_serves_slack_teams_calendar_and_metrics(
    tmp_path: Path, stub: SlackStub
) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CONNECTIONS__")},
        "SLACK_BOT_TOKEN": "xoxb-both-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": stub.api_url,
        "TEAMS_ANONYMOUS": "true",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/both.db",
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
            forged = "command=%2Faction&text=add+x&team_id=T0KOMMUN"
            headers = {
                **sign(forged, secret="wrong"),
                "Content-Type": "application/x-www-form-urlencoded",
            }
            async with http.post(f"{base}/slack/events", data=forged, headers=headers) as resp:
                assert resp.status == 401
            async with http.post(f"{base}/api/messages", json={"type": "bogus"}) as resp:
                assert resp.status < 500
            async with http.get(f"{base}/calendar/no-such-token.ics") as resp:
                assert resp.status == 404
            async with http.get(f"{base}/metrics") as resp:
                assert resp.status == 200
                assert "motesbot_" in await resp.text()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err


async def test_a_replica_with_the_scheduler_off_never_leads(
    sqlite_engine: Engine, stub: SlackStub
) -> None:
    from bot.settings import Settings

    async def leads(enabled: bool) -> bool:
        settings = Settings(
            database_url=sqlite_engine.url.render_as_string(hide_password=False),
            slack_bot_token="xoxb-test",
            slack_signing_secret=SECRET,
            slack_api_url=stub.api_url,
            host="127.0.0.1",
            port=_free_port(),
            scheduler_enabled=enabled,
        )
        stop = asyncio.Event()
        server = asyncio.create_task(serve_all(settings, sqlite_engine, stop))
        try:
            deadline = asyncio.get_running_loop().time() + 5
            while not metrics.is_leader() and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.05)
            return metrics.is_leader()
        finally:
            stop.set()
            await asyncio.wait_for(server, timeout=15)

    assert await leads(False) is False
    assert await leads(True) is True
    assert metrics.is_leader() is False  # released on shutdown
