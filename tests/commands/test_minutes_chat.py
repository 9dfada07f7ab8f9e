"""/meeting protokoll, /meeting justera, /decision rätta and the calendar links, in chat."""

from __future__ import annotations

import io
import re
from datetime import UTC
from pathlib import Path

import docx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.console.adapter import run_shell
from commands.context import Config
from storage.db import transaction
from storage.minutes_import.load import load_minutes
from storage.minutes_import.parse import parse_minutes
from storage.models import AuditEvent, Decision
from storage.workspaces import get_or_create_workspace
from tests.conftest import NOW, Transcript

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "minutes"


def _held_meeting(console: Transcript) -> None:
    for line in (
        "/meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset",
        "/meeting start --ja",
        "/meeting punkt 1 Budget 2027",
        "/action add Skicka budgeten till kommunerna senast 2026-12-01",
        "/decision add Kommunchefsgruppen beslutar att godkänna budgeten",
        "/meeting punkt 2 Övriga frågor",
        "/action add Boka lokal",
        "/meeting avsluta",
    ):
        assert not console.send(line).error, line


def _import_fixture(engine: Engine, name: str = "plain-2019-11-06.txt") -> int:
    with transaction(engine) as session:
        ws = get_or_create_workspace(session, platform="console", external_id="console", at=NOW)
        assert ws.id is not None
        text = (FIXTURES / name).read_text(encoding="utf-8-sig")
        return load_minutes(
            session, parse_minutes(text), workspace_id=ws.id, at=NOW.astimezone(UTC)
        ).meeting_id


def test_minutes_come_as_markdown_and_word(console: Transcript) -> None:
    _held_meeting(console)
    reply = console.send("/meeting protokoll")
    assert not reply.error
    assert [f.filename for f in reply.files] == [
        "minnesanteckningar-kc-mote-2026-12-10.md",
        "minnesanteckningar-kc-mote-2026-12-10.docx",
    ]
    md = reply.files[0].as_bytes().decode("utf-8")
    assert "## 1. Budget 2027" in md
    assert "| Åtgärd | Slutdatum | Ansvarig |" in md
    assert "| #1 Skicka budgeten till kommunerna | 2026-12-01 | Ej angivet |" in md
    assert "| #2 Boka lokal | Ej angivet | Ej angivet |" in md
    assert "- B1 Kommunchefsgruppen beslutar att godkänna budgeten" in md
    word = docx.Document(io.BytesIO(reply.files[1].as_bytes()))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "1. Budget 2027" in headings and "Beslut" in headings
    assert [c.text for c in word.tables[0].rows[0].cells] == ["Åtgärd", "Slutdatum", "Ansvarig"]
    assert word.tables[0].rows[1].cells[1].text == "2026-12-01"


def test_minutes_of_an_imported_meeting_hold_every_action_and_decision(
    console_any: Transcript,
) -> None:
    meeting_id = _import_fixture(console_any.engine)
    reply = console_any.send(f"/meeting minnesanteckningar {meeting_id}")
    md = reply.files[0].as_bytes().decode("utf-8")
    parsed = parse_minutes((FIXTURES / "plain-2019-11-06.txt").read_text(encoding="utf-8"))
    for item in parsed.items:
        for action in item.actions:
            assert action.text in md
        for decision in item.decisions:
            assert decision in md
    assert "2019-10-16: Nämndssammanträde den 23 oktober" in md
    assert "**Beslutande:**" in md and "Magnus Haglund, Örnsköldsviks kommun, ordförande" in md
    assert "Lisa Andersson Lindberg (Organisatör)" in md
    word = docx.Document(io.BytesIO(reply.files[1].as_bytes()))
    cells = {c.text.split("\n")[0] for t in word.tables for r in t.rows for c in r.cells}
    rows = sum(len(t.rows) - 1 for t in word.tables)
    assert rows == parsed.action_count
    assert any("Boka föreläsare" in c for c in cells)
    by_date = console_any.send("/meeting protokoll 2019-11-06")
    assert by_date.files[0].content == reply.files[0].content


def test_unknown_meeting_is_a_short_message(console: Transcript) -> None:
    assert console.send("/meeting protokoll 99").error
    assert "Inget möte har hållits i den här kanalen än" in console.text("/meeting protokoll")
    assert console.send("/meeting protokoll 1999-01-01").error


def test_the_console_saves_the_files(sqlite_engine: Engine, tmp_path: Path) -> None:
    console = Transcript(sqlite_engine)
    _held_meeting(console)
    out = io.StringIO()
    run_shell(
        sqlite_engine,
        ["/meeting protokoll 1\n"],
        out,
        user="Sekreterare",
        channel="kc",
        clock=lambda: NOW,
        files_dir=tmp_path,
    )
    md = tmp_path / "minnesanteckningar-kc-mote-2026-12-10.md"
    assert md.exists() and (tmp_path / "minnesanteckningar-kc-mote-2026-12-10.docx").exists()
    assert str(md) in out.getvalue()


def test_only_organizer_or_chair_approves_and_it_locks(console: Transcript) -> None:
    _held_meeting(console)
    refused = console.send("/meeting justera", user="Per")
    assert refused.error and "organisatör, ordförande eller justerare" in refused.headline
    assert "justerat" in console.text("/meeting justera")
    with Session(console.engine) as session:
        approved = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "meeting", AuditEvent.op == "approved")
        ).one()
        assert approved.before is not None and approved.before["status"] == "ended"
    assert "redan justerat" in console.text("/meeting approve 1")
    locked = console.send("/action ändra #1 Ny text")
    assert locked.error and "justerat" in locked.headline


def test_chair_and_organizer_of_imported_minutes_may_approve(console: Transcript) -> None:
    _import_fixture(console.engine)
    assert console.send("/meeting justera 2019-11-06", user="Per-Eric Magnusson").error
    assert not console.send("/meeting justera 2019-11-06", user="Magnus Haglund").error
    mixed = _import_fixture(console.engine, "mixed-2020-02-12.txt")
    assert not console.send(f"/meeting justera {mixed}", user="Lisa Andersson Lindberg").error


def test_a_correction_supersedes_and_both_are_kept(console: Transcript) -> None:
    _held_meeting(console)
    console.send("/meeting justera")
    reply = console.send(
        "/decision rätta B1 Kommunchefsgruppen beslutar att godkänna budgeten med ändringar"
    )
    assert not reply.error
    text = reply.as_text()
    assert "B2 ersätter B1" in reply.headline
    assert "(ersätter B1)" in text and "(ersatt av B2)" in text
    assert "ersatt av B2" in console.text("/decision visa B1")
    assert "ersätter B1" in console.text("/decision sök ändringar")
    again = console.send("/decision rätta B1 Tredje versionen")
    assert again.error and "B2" in again.headline
    with Session(console.engine) as session:
        new = session.exec(select(Decision).where(Decision.number == 2)).one()
        old = session.exec(select(Decision).where(Decision.number == 1)).one()
        assert new.supersedes_id == old.id and new.item_id == old.item_id
        ops = session.exec(
            select(AuditEvent.op).where(
                AuditEvent.entity == "decision", AuditEvent.entity_id == new.id
            )
        ).all()
        assert ops == ["create"]
    md = console.send("/meeting protokoll").files[0].as_bytes().decode()
    assert "B1 Kommunchefsgruppen beslutar att godkänna budgeten (ersatt av B2)" in md


def test_correct_needs_a_decision_and_a_text(console: Transcript) -> None:
    assert console.send("/decision rätta").error
    assert console.send("/decision rätta B9 text").error


def test_decision_search_shows_meeting_date_and_item(console_any: Transcript) -> None:
    _import_fixture(console_any.engine)
    text = console_any.text("/decision sök budget")
    assert "B1 Kommunchefsgruppen beslutar att godkänna budgeten för 2020." in text
    assert "punkt 3.1" in text and "2019" in text


def test_calendar_links_are_handed_out_and_revoked(
    console: Transcript, monkeypatch: pytest.MonkeyPatch
) -> None:
    console.config = Config(public_url="https://bot.example.org/")
    assert console.send("/meeting kalender").error  # no series in the channel yet
    _held_meeting(console)
    first = console.text("/meeting kalender")
    url = re.search(r"https://bot\.example\.org/calendar/([\w-]+)\.ics", first)
    assert url is not None and len(url.group(1)) >= 40
    assert url.group(0) in console.text("/meeting calendar")  # the same address again
    assert "stängd" in console.text("/meeting kalender återkalla")
    assert url.group(0) not in console.text("/meeting kalender")
    mine = console.text("/action kalender")
    assert "/calendar/" in mine and url.group(1) not in mine
    assert "stängd" in console.text("/action calendar revoke")
    assert "ingen öppen" in console.text("/action calendar revoke")


def test_english_replies(console: Transcript) -> None:
    _held_meeting(console)
    reply = console.send("/meeting minutes", lang="en")
    assert reply.headline.startswith("Minutes")
    assert "approved" in console.text("/meeting approve", lang="en")


def test_calendar_of_an_imported_series_by_name(console: Transcript) -> None:
    _import_fixture(console.engine)
    assert console.send("/meeting kalender").error  # the imported series has no channel
    reply = console.text("/meeting kalender KC-möte")
    assert "/calendar/" in reply
    assert "stängd" in console.text("/meeting kalender KC-möte återkalla")
    assert console.send("/meeting kalender Okänd serie").error
