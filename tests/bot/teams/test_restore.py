"""A JSON export restored into a new database keeps sending DMs, with nobody writing first.

The walk an operator takes after losing the database: ``motesbot export`` (yesterday's backup),
``motesbot import`` into an empty database, then the scheduler's ``motesbot tick`` at the
moment a reminder is due. In Teams the DM needs the stored conversation reference, which the
export carries; in single-workspace Slack the bot token and the people's Slack ids suffice.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine

from tests.bot.teams.conftest import SDK_WARNINGS, SVEN, Teams
from tests.bot.teams.test_run_cli import MOTESBOT, _env

pytestmark = SDK_WARNINGS


async def _cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The stubs run in this event loop: wait for the subprocess without blocking it.
    process = await asyncio.create_subprocess_exec(
        *MOTESBOT,
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, errors = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode is not None
    result = subprocess.CompletedProcess([], process.returncode, out.decode(), errors.decode())
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


async def _export_and_restore(engine: Engine, tmp_path: Path, **extra: str) -> dict[str, str]:
    """Export the test's register, import it into a new database; the env for the new one."""
    backup = tmp_path / "backup.json"
    source = _env(tmp_path / "unused.db", **extra)
    source["DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    await _cli(source, tmp_path, "export", "--format", "json", "--output", str(backup))
    restored = _env(tmp_path / "restored.db", **extra)
    await _cli(restored, tmp_path, "import", str(backup))
    return restored


async def test_restored_teams_register_sends_the_morning_dm(teams: Teams, tmp_path: Path) -> None:
    await teams.post(teams.install_personal(SVEN))
    await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
    env = await _export_and_restore(teams.engine, tmp_path, TEAMS_ANONYMOUS="true")
    document = json.loads((tmp_path / "backup.json").read_text(encoding="utf-8"))
    [workspace] = [w for w in document["workspaces"] if w["platform"] == "teams"]
    assert ("personal", SVEN.aad) in [(r["kind"], r["key"]) for r in workspace["conversation_refs"]]
    before = len(teams.stub.calls)

    ticked = await _cli(env, tmp_path, "tick", "--at", "2026-12-03T08:00+01:00")

    [call] = teams.stub.calls[before:]
    assert call.method == "POST"
    assert call.path == f"/v3/conversations/a:1personal-chat-{SVEN.aad}/activities"
    assert "#1 Boka lokal" in call.body["text"]
    assert "1 meddelande skickat" in ticked.stdout
