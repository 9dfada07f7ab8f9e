"""Issue 5's check, end to end through the CLI: `motesbot run`, then `motesbot tick` DMs in Teams."""

from __future__ import annotations

import asyncio
import itertools
import signal
import subprocess
from pathlib import Path

import aiohttp
from sqlalchemy.engine import Engine

from tests.bot.teams.conftest import SVEN, Teams
from tests.bot.teams.connector_stub import ConnectorStub
from tests.bot.teams.test_run_cli import MOTESBOT, _env, _free_port

# Thursday 3 December 2026, 08:00 in Stockholm: a working day, and Saturday 5 December
# is within three working days.
MORNING = "2026-12-03T08:00+01:00"


async def _serve_and_talk(
    env: dict[str, str],
    cwd: Path,
    connector: ConnectorStub,
    url: str,
    service_url: str,
    engine: Engine,
) -> None:
    process = await asyncio.create_subprocess_exec(
        *MOTESBOT, "run", env=env, cwd=cwd, stderr=asyncio.subprocess.PIPE
    )
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(150):
                try:
                    async with http.get(f"{url}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            teams = Teams(url, service_url + "/", connector, http, engine, itertools.count(1))
            status, _ = await teams.post(teams.install_personal(SVEN))
            assert status in (200, 202)
            await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
            assert "#1" in connector.texts()[-1]
            # The same server hands out minutes downloads; an unknown link is simply gone.
            async with http.get(f"{url}/files/{'x' * 43}/protokoll.md") as response:
                assert response.status == 404
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), timeout=20)


async def test_tick_sends_the_morning_dm_to_the_stored_personal_chat(
    tmp_path: Path, stub: tuple[ConnectorStub, str], sqlite_engine: Engine
) -> None:
    connector, service_url = stub
    db, port = tmp_path / "fresh.db", _free_port()
    env = _env(db, TEAMS_ANONYMOUS="true", PORT=str(port), HOST="127.0.0.1")
    await _serve_and_talk(
        env, tmp_path, connector, f"http://127.0.0.1:{port}", service_url, sqlite_engine
    )
    before = len(connector.calls)

    first = await _tick(env, tmp_path)

    assert first.returncode == 0, first.stderr
    [call] = connector.calls[before:]
    assert call.method == "POST"
    # A new message in Sven's personal chat, stored when he installed the app.
    assert call.path == f"/v3/conversations/a:1personal-chat-{SVEN.aad}/activities"
    assert call.body["recipient"]["aadObjectId"] == SVEN.aad
    assert "#1 Boka lokal" in call.body["text"]
    card = call.body["attachments"][0]["content"]
    assert "#1 Boka lokal" in str(card["body"])
    # Anonymous local mode sends without credentials: no token is asked for or sent.
    assert not call.authorization
    assert "1 meddelande skickat" in first.stdout

    second = await _tick(env, tmp_path)

    assert second.returncode == 0, second.stderr
    assert connector.calls[before + 1 :] == []
    assert "0 meddelanden skickade" in second.stdout


async def _tick(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # The stub runs in this event loop: wait for the subprocess without blocking it.
    process = await asyncio.create_subprocess_exec(
        *MOTESBOT,
        "tick",
        "--at",
        MORNING,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, errors = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return subprocess.CompletedProcess([], process.returncode, out.decode(), errors.decode())
