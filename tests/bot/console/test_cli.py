"""The README's promise, through the real console script in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

MOTESBOT = str(Path(sys.executable).parent / "motesbot")

SCRIPT = """/meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset
/meeting start --ja
/meeting item 3.1 Ekonomi - rapport och uppföljning
/action add Ta fram budgetunderlag @"Lisa Andersson Lindberg" senast 2026-12-05
/action add Boka lokal för workshop @"Lisa Andersson Lindberg"
/decision add Kommunchefsgruppen godkänner rapporten
/action list all
/action klar #2
/meeting end
/action add
/action klar #999
/action add x senast 31 februari
"""


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MOTESBOT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_shell_then_export(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/motesbot.db",
        "MOTESBOT_NOW": "2026-11-23T09:00+01:00",
    }
    shell = _run(["shell", "--as", "Sekreterare"], env, SCRIPT)
    # The script tries bad input on purpose: a script piping commands in is told.
    assert shell.returncode == 1, shell.stderr
    assert "kommandon gav fel" in shell.stderr
    out = shell.stdout
    assert (
        "#1 Ta fram budgetunderlag — ansvarig: Lisa Andersson Lindberg — senast lör 5 dec 2026"
        in out
    )
    assert "Det finns ingen åtgärd #999" in out
    assert "Datumet ”31 februari” finns inte" in out
    assert "Traceback" not in out + shell.stderr

    export = _run(["export", "--format", "json"], env)
    assert export.returncode == 0, export.stderr
    ws = json.loads(export.stdout)["workspaces"][0]
    assert [(a["number"], a["status"], a["due_date"]) for a in ws["actions"]] == [
        (1, "open", "2026-12-05"),
        (2, "done", None),
    ]
    restored_env = {**env, "DATABASE_URL": f"sqlite:///{tmp_path}/restored.db"}
    (tmp_path / "backup.json").write_text(export.stdout, encoding="utf-8")
    restore = _run(["import", str(tmp_path / "backup.json")], restored_env)
    assert restore.returncode == 0, restore.stderr
    again = json.loads(_run(["export", "--format", "json"], restored_env).stdout)
    assert again["workspaces"] == json.loads(export.stdout)["workspaces"]


def test_unreachable_database_is_a_clear_message(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    result = _run(["shell"], env, "/action list\n")
    assert result.returncode == 2
    assert "Kan inte nå databasen" in result.stderr
    assert "Traceback" not in result.stderr
