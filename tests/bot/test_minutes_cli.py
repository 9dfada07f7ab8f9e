"""motesbot import (minutes text and JSON backups) and export --format md|docx."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app
from storage.db import make_engine
from storage.models import Action, Decision, Meeting

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "minutes"
SAMPLES = Path("/work/shared/samples/minutes")
runner = CliRunner()


def _sample(name: str) -> Path:
    local = Path(__file__).resolve().parents[3] / "shared" / "samples" / "minutes" / name
    return local if local.exists() else SAMPLES / name


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


def test_dry_run_shows_a_table_and_stores_nothing(db: str) -> None:
    result = runner.invoke(app, ["import", "--dry-run", str(_sample("kc-2016-02-18.txt"))])
    assert result.exit_code == 0, result.output
    assert "Åtgärder" in result.output and "57" in result.output
    assert "provkörning" in result.output
    assert _count(db, Meeting) == 0


def test_import_twice_changes_nothing(db: str) -> None:
    files = [str(_sample("kc-2016-02-18.txt")), str(_sample("kc-2017-05-10.txt"))]
    files += [str(p) for p in sorted(FIXTURES.glob("*.txt"))]
    first = runner.invoke(app, ["import", *files])
    assert first.exit_code == 0, first.output
    assert "nytt möte" in first.output
    counts = (_count(db, Meeting), _count(db, Action), _count(db, Decision))
    assert counts == (5, 57 + 5 + 11 + 7 + 3, 20 + 8 + 3 + 3 + 2)
    second = runner.invoke(app, ["import", *files, "--series", "KC-möte"])
    assert second.exit_code == 0, second.output
    assert second.output.count("fanns redan") == 5
    assert (_count(db, Meeting), _count(db, Action), _count(db, Decision)) == counts


def test_export_minutes_as_markdown_and_word(db: str, tmp_path: Path) -> None:
    runner.invoke(app, ["import", str(_sample("kc-2017-05-10.txt"))])
    md = runner.invoke(app, ["export", "--format", "md", "--meeting", "1"])
    assert md.exit_code == 0, md.output
    assert "## 3.2. Brottsofferjouren - komplettering från föreningen" in md.output
    assert "| 2017-12-01 | Magnus Haglund |" in md.output
    out = tmp_path / "kc.docx"
    word = runner.invoke(app, ["export", "--format", "docx", "--meeting", "1", "-o", str(out)])
    assert word.exit_code == 0, word.output
    document = docx.Document(io.BytesIO(out.read_bytes()))
    assert sum(len(t.rows) - 1 for t in document.tables) == 5
    missing = runner.invoke(app, ["export", "--format", "md", "--meeting", "42"])
    assert missing.exit_code == 2
    need_id = runner.invoke(app, ["export", "--format", "docx"])
    assert need_id.exit_code == 2


def test_json_backup_still_round_trips(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(app, ["import", str(_sample("kc-2017-05-10.txt"))])
    dump = runner.invoke(app, ["export", "--format", "json"])
    assert dump.exit_code == 0
    backup = tmp_path / "backup.json"
    backup.write_text(dump.output, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/restored.db")
    restored = runner.invoke(app, ["import", str(backup)])
    assert restored.exit_code == 0, restored.output
    again = runner.invoke(app, ["export", "--format", "json"])
    before, after = json.loads(dump.output), json.loads(again.output)
    before.pop("exported_at", None)
    after.pop("exported_at", None)
    assert before == after


def test_unreadable_files_are_a_short_message(db: str, tmp_path: Path) -> None:
    odd = tmp_path / "odd.txt"
    odd.write_text("inget protokoll här", encoding="utf-8")
    result = runner.invoke(app, ["import", str(odd)])
    assert result.exit_code == 2
    assert "inte igen formatet" in " ".join(result.output.split())
    assert runner.invoke(app, ["import", str(tmp_path / "missing.txt")]).exit_code == 2


@pytest.mark.parametrize("name", ["kc-2016-02-18.txt", "kc-2017-05-10.txt"])
def test_minutes_of_the_samples_hold_every_action_and_decision(
    db: str, tmp_path: Path, name: str
) -> None:
    from storage.minutes_import.parse import parse_minutes

    runner.invoke(app, ["import", str(_sample(name))])
    md = " ".join(runner.invoke(app, ["export", "--format", "md", "--meeting", "1"]).output.split())
    out = tmp_path / "m.docx"
    runner.invoke(app, ["export", "--format", "docx", "--meeting", "1", "-o", str(out)])
    document = docx.Document(io.BytesIO(out.read_bytes()))
    word = " ".join(
        " ".join(p.text for p in document.paragraphs).split()
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    parsed = parse_minutes(_sample(name).read_text(encoding="utf-8"))
    for item in parsed.items:
        for action in item.actions:
            assert " ".join(action.text.split()) in md
            assert " ".join(action.text.split()) in " ".join(word.split())
        for decision in item.decisions:
            assert " ".join(decision.split()) in md
            assert " ".join(decision.split()) in " ".join(word.split())
    assert md.index("Magnus Haglund, Örnsköldsviks kommun, ordförande") < md.index("Jonas Jonsson")


def test_date_from_the_file_name_when_the_export_has_none(db: str, tmp_path: Path) -> None:
    path = tmp_path / "kc-2019-12-11.txt"
    path.write_text(
        "Kommunchefsmöte\n\n1. Mötets öppnande\n\nÅtgärder\n\nBoka rum\n\n2020-01-15\n\nKansliet\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "taget från filnamnet" in " ".join(result.output.split())
    assert _count(db, Action) == 1
    nameless = tmp_path / "export.txt"
    nameless.write_text("1. Mötets öppnande\n\nText\n", encoding="utf-8")
    failed = runner.invoke(app, ["import", str(nameless)])
    assert failed.exit_code == 2
    assert "mötesdatum" in failed.output


def test_windows_encoded_export(db: str, tmp_path: Path) -> None:
    text = (FIXTURES / "plain-2019-11-06.txt").read_text(encoding="utf-8")
    path = tmp_path / "kc-ansi.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    md = runner.invoke(app, ["export", "--format", "md", "--meeting", "1"]).output
    assert "Sammanställ svaren från kommunerna" in md
    assert "Håkan Wretling" in md
