"""motesbot import PLAN.txt --plan [--dry-run], and motesbot tick for the follow-up DMs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app
from storage.db import make_engine
from storage.models import Assignment, ResponsibleParty

PLAN = Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "verksamhetsplan-2023-2027.txt"
runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MOTESBOT_NOW", "2026-11-23T09:00:00+01:00")
    monkeypatch.chdir(tmp_path)
    return url


def _count(url: str, model: type) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return int(session.exec(select(func.count()).select_from(model)).one())
    finally:
        engine.dispose()


def test_dry_run_prints_a_table_per_section_and_stores_nothing(db: str) -> None:
    result = runner.invoke(app, ["import", str(PLAN), "--plan", "--dry-run"])
    assert result.exit_code == 0, result.output
    for heading in (
        "Arbetsgrupper/Projekt i Löpande Verksamhet",
        "Utveckla Arbetsmarknadsregionen",
        "Effektivisera Kommunalverksamhet",
    ):
        assert heading in result.output
    assert "22 uppdrag i 3 tabeller (provkörning – ingenting sparades)" in result.output
    assert _count(db, Assignment) == 0


def test_import_twice_changes_nothing_the_second_time(db: str) -> None:
    first = runner.invoke(app, ["import", str(PLAN), "--plan"])
    assert first.exit_code == 0, first.output
    assert "22 nya uppdrag, 15 nya ansvariga, 0 fanns redan" in first.output
    again = runner.invoke(app, ["import", str(PLAN), "--plan"])
    assert "0 nya uppdrag, 0 nya ansvariga, 22 fanns redan" in again.output
    assert (_count(db, Assignment), _count(db, ResponsibleParty)) == (22, 15)


def test_a_file_without_tables_is_refused(db: str, tmp_path: Path) -> None:
    other = tmp_path / "annat.txt"
    other.write_text("Bara text\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(other), "--plan"])
    assert result.exit_code == 2
    assert "ingen tabell UPPDRAG<TAB>ANSVARIG" in " ".join(result.output.split())


def test_tick_at_the_right_instants_sends_one_request_and_one_reminder(db: str) -> None:
    from datetime import datetime

    from tests.conftest import STOCKHOLM, Transcript

    assert runner.invoke(app, ["import", str(PLAN), "--plan"]).exit_code == 0
    engine = make_engine(db)
    console = Transcript(engine)
    console.now = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
    for line in (
        "/meeting series new KC-möte varje månad andra torsdagen 08:30-12:00 Stadshuset",
        '/arbetsgrupp kontakt Näringslivsgruppen @"Lisa Berg"',
        '/arbetsgrupp kontakt Personalchefgruppen @"Per Holm"',
        "/uppdrag uppföljning KC-möte 2027-12-09",
    ):
        assert not console.send(line).error, line
    engine.dispose()

    def tick(at: str) -> str:
        result = runner.invoke(app, ["tick", "--at", at])
        assert result.exit_code == 0, result.output
        return result.output

    assert "Årlig avrapportering" not in tick("2027-11-11T08:59+01:00")
    out = tick("2027-11-11T09:00+01:00")
    assert out.count("[DM → Lisa Berg] Årlig avrapportering av uppdrag") == 1
    assert out.count("[DM → Per Holm] Årlig avrapportering av uppdrag") == 1
    assert "Fråga själv" in out  # RISE, Kanslichef … have nobody in chat
    assert "Årlig avrapportering" not in tick("2027-11-11T09:01+01:00")
    out = tick("2027-12-02T09:00+01:00")
    assert out.count("[DM → Lisa Berg] Påminnelse") == 1
    assert out.count("[DM → Per Holm] Påminnelse") == 1
    assert "Påminnelse" not in tick("2027-12-02T10:00+01:00")
