"""The way it will be checked: `motesbot run` in anonymous mode, activities over HTTP, the CLI."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import aiohttp
from sqlalchemy.engine import Engine

from tests.bot.teams.conftest import SVEN, Teams
from tests.bot.teams.connector_stub import ConnectorStub

MOTESBOT = [sys.executable, "-c", "from bot.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONNECTIONS__", "TEAMS_"))}
    env.update(DATABASE_URL=f"sqlite:///{db}", MOTESBOT_NOW="2026-11-23T09:00+01:00", **extra)
    return env


async def test_motesbot_run_serves_teams_in_anonymous_mode(
    tmp_path: Path, stub: tuple[ConnectorStub, str], sqlite_engine: Engine
) -> None:
    connector, service_url = stub
    db, port = tmp_path / "fresh.db", _free_port()
    env = _env(db, TEAMS_ANONYMOUS="true", PORT=str(port), HOST="127.0.0.1")
    process = await asyncio.create_subprocess_exec(
        *MOTESBOT, "run", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(f"{url}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            teams = Teams(
                url, service_url + "/", connector, http, sqlite_engine, itertools.count(1)
            )
            await teams.post(teams.install_personal(SVEN))
            await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
            assert "#1" in connector.texts()[-1]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert b"OAUTENTISERADE" in stderr

    exported = subprocess.run(
        [*MOTESBOT, "export", "--format", "json"],
        env=_env(db),
        cwd=tmp_path,
        capture_output=True,
        check=True,
        text=True,
    )
    data = json.loads(exported.stdout)
    assert [a["text"] for ws in data["workspaces"] for a in ws["actions"]] == ["Boka lokal"]


def test_run_refuses_anonymous_mode_next_to_credentials(tmp_path: Path) -> None:
    env = _env(
        tmp_path / "x.db",
        TEAMS_ANONYMOUS="true",
        CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID="00000000-0000-0000-0000-00000000b07a",
        CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET="secret",
        CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID="72f988bf-86f1-41af-91ab-2d7cd011db47",
    )
    result = subprocess.run(
        [*MOTESBOT, "run"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "bara för utveckling" in result.stderr


def test_teams_package_builds_the_upload_zip(tmp_path: Path) -> None:
    app_id = "2b7a3c1e-4d5f-4a6b-8c9d-0e1f2a3b4c5d"
    bot_id = "00000000-0000-0000-0000-00000000b07a"
    repo = Path(__file__).resolve().parents[3]
    output = tmp_path / "app.zip"
    result = subprocess.run(
        [
            *MOTESBOT,
            "teams",
            "package",
            "--app-id",
            app_id,
            "--bot-id",
            bot_id,
            "--domain",
            "https://motesbot.umea.se/",
            "-o",
            str(output),
        ],
        env=_env(tmp_path / "x.db"),
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(output) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        color = archive.read("color.png")
        outline = archive.read("outline.png")
    assert manifest["id"] == app_id
    assert manifest["bots"][0]["botId"] == bot_id
    assert manifest["validDomains"] == ["motesbot.umea.se"]
    assert manifest["manifestVersion"] == "1.22"
    assert manifest["$schema"].endswith("/v1.22/MicrosoftTeams.schema.json")
    scopes = [set(c["scopes"]) for c in manifest["bots"][0]["commandLists"]]
    assert {"personal"} in scopes and any("team" in s for s in scopes)
    assert "{{" not in json.dumps(manifest)
    # PNG headers: 192x192 colour, 32x32 outline.
    assert color[:8] == b"\x89PNG\r\n\x1a\n" and color[16:24] == (192).to_bytes(4, "big") * 2
    assert outline[16:24] == (32).to_bytes(4, "big") * 2

    bad = subprocess.run(
        [*MOTESBOT, "teams", "package", "--app-id", "not-a-guid", "--domain", "x.se"],
        env=_env(tmp_path / "x.db"),
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "GUID" in bad.stderr
