"""`motesbot shell`: who you are, and an exit status scripts can trust."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/shell.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MOTESBOT_NOW", "2026-12-08T08:00:00+01:00")
    monkeypatch.chdir(tmp_path)
    return url


def test_piped_commands_that_all_work_exit_zero(db: str) -> None:
    result = runner.invoke(
        app, ["shell", "--as", "Lisa Berg"], input="/action ny Ring Anna senast fredag\n"
    )
    assert result.exit_code == 0, result.output
    assert "Åtgärd #1 registrerad" in result.output


def test_a_failed_piped_command_makes_the_exit_status_non_zero(db: str) -> None:
    lines = "/action ny Ring Anna\n/action klar #99\n/action klar #98\n/action lista alla\n"
    result = runner.invoke(app, ["shell"], input=lines)
    assert result.exit_code == 1
    assert "Det finns ingen åtgärd #99" in result.output
    assert "2 kommandon gav fel." in result.output
    assert "kommando(n)" not in result.output
    one = runner.invoke(app, ["shell"], input="/action klar #97\n")
    assert one.exit_code == 1 and "1 kommando gav fel." in one.output


def test_the_banner_says_who_you_are_and_how_to_change_it(db: str) -> None:
    result = runner.invoke(app, ["shell", "--as", "Lisa Berg", "--channel", "kc"], input="")
    assert result.exit_code == 0
    banner = " ".join(result.stderr.split())
    assert "Du är Lisa Berg i kanalen #kc" in banner
    assert "--as NAMN" in banner and "/hjälp" in banner
    assert "Du är" not in result.stdout  # replies on stdout stay clean for scripts
