"""The issue's acceptance transcript, through the console adapter, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from storage import backup
from storage.db import transaction
from tests.conftest import Transcript

SCRIPT = [
    "/meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset",
    "/meeting start --ja",
    "/meeting item 3.1 Ekonomi - rapport och uppföljning",
    '/action add Ta fram budgetunderlag @"Lisa Andersson Lindberg" senast 2026-12-05',
    '/action add Boka lokal för workshop @"Lisa Andersson Lindberg"',
    "/decision add Kommunchefsgruppen godkänner rapporten",
    "/action list all",
    "/action klar #2",
    "/meeting end",
]


def _export(engine: Engine) -> dict:  # type: ignore[type-arg]
    with transaction(engine) as session:
        return backup.export_data(session, exported_at=datetime(2026, 11, 23, tzinfo=UTC))


def test_meeting_transcript_records_what_was_said(console_any: Transcript) -> None:
    replies = [console_any.send(line) for line in SCRIPT]
    assert not any(r.error for r in replies), [r.as_text() for r in replies if r.error]

    added = replies[3].as_text()
    assert "#1 Ta fram budgetunderlag" in added
    assert "ansvarig: Lisa Andersson Lindberg" in added
    assert "senast lör 5 dec 2026" in added
    listing = replies[6].as_text()
    assert "#1 Ta fram budgetunderlag" in listing and "#2 Boka lokal för workshop" in listing
    assert "inget slutdatum" in listing
    summary = replies[8].as_text()
    assert "3.1 Ekonomi - rapport och uppföljning" in summary
    assert "B1 Kommunchefsgruppen godkänner rapporten" in summary

    ws = _export(console_any.engine)["workspaces"][0]
    assert len(ws["meetings"]) == 1
    meeting = ws["meetings"][0]
    assert meeting["status"] == "ended"
    assert [i["number"] for i in meeting["items"]] == ["3.1"]
    actions = {a["number"]: a for a in ws["actions"]}
    assert actions[1]["status"] == "open" and actions[1]["due_date"] == "2026-12-05"
    assert actions[2]["status"] == "done" and actions[2]["due_date"] is None
    for a in actions.values():
        assert [o["name"] for o in a["owners"]] == ["Lisa Andersson Lindberg"]
        assert a["item_number"] == "3.1" and a["meeting_id"] == meeting["id"]
    assert [(d["text"], d["item_number"]) for d in ws["decisions"]] == [
        ("Kommunchefsgruppen godkänner rapporten", "3.1")
    ]


def test_malformed_lines_explain_and_change_nothing(console_any: Transcript) -> None:
    for line in SCRIPT[:4]:
        console_any.send(line)
    before = _export(console_any.engine)
    for line, expected in [
        ("/action add", "Skriv vad som ska göras"),
        ("/action klar #999", "Det finns ingen åtgärd #999"),
        ("/action add x senast 31 februari", "”31 februari” finns inte"),
    ]:
        reply = console_any.send(line)
        assert reply.error
        assert expected in reply.as_text()
    after = _export(console_any.engine)
    assert before["workspaces"] == after["workspaces"]
