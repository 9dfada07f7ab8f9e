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
