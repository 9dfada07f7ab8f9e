"""The yearly follow-up: report requests four weeks before, a reminder one week before,
the secretary's list of parties nobody can be asked in chat, the digest and the document."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from sqlmodel import select

from commands.assignment_followup import working_day_on_or_before
from storage.db import transaction
from storage.meetings import items_of
from storage.models import Meeting
from tests.conftest import Transcript
from tests.scheduler.helpers import Runner, send


def _kc_with_assignments(console: Transcript) -> None:
    send(
        console,
        "2026-11-23 09:00",
        "/meeting series new KC-möte varje månad andra torsdagen 08:30-12:00 Stadshuset",
        '/arbetsgrupp ny Näringslivsgruppen @"Lisa Berg"',
        '/arbetsgrupp ny Personalchefgruppen @"Per Holm"',
        "/arbetsgrupp ny organisation RISE",
        "/uppdrag ny Rally VM @Näringslivsgruppen",
        "/uppdrag ny Business Arena @Näringslivsgruppen",
        "/uppdrag ny Kompetensförsörjning @Personalchefgruppen",
        "/uppdrag ny Thriving Northern Capacities @RISE",
        "/uppdrag ny Gammalt uppdrag @Personalchefgruppen",
        "/uppdrag bedöm U5 avslutat",
    )


def _dms(runner: Runner, kind: str) -> list[tuple[str, str]]:
    return [
        (s.to, s.reply.as_text())
        for s in runner.messenger.sent
        if s.kind == "dm" and kind in s.reply.headline
    ]


def test_request_reminder_and_the_secretarys_list_each_once(console_any: Transcript) -> None:
    console = console_any
    _kc_with_assignments(console)
    send(console, "2026-11-23 09:05", "/uppdrag uppföljning KC-möte 2027-12-09")
    # The follow-up follows its meeting when it moves: Thu 9 Dec → Thu 16 Dec 2027.
    send(console, "2027-11-01 10:00", "/meeting move 2027-12-09 2027-12-16")
    runner = Runner(console.engine)
    runner.tick("2027-11-11 09:00")  # four weeks before the old date: nothing any more
    runner.tick("2027-11-18 08:59")
    assert _dms(runner, "avrapportering") == []
    runner.tick("2027-11-18 09:00")  # four weeks before Thu 16 Dec, 09:00
    requests = _dms(runner, "Årlig avrapportering")
    assert sorted(to for to, _ in requests) == ["Lisa Berg", "Per Holm"]
    lisa = dict(requests)["Lisa Berg"]
    assert lisa.startswith("Årlig avrapportering av uppdrag inför KC-möte tors 16 dec 2027")
    assert "U1 Rally VM — pågår" in lisa and "U2 Business Arena — pågår" in lisa
    assert "U3" not in lisa and "U4" not in lisa
    assert "U5" not in dict(requests)["Per Holm"]  # closed: nobody asks about it
    sent = next(s for s in runner.messenger.sent if s.to == "Lisa Berg")
    line = next(ln for ln in sent.reply.lines if ln.text.startswith("U1 "))
    assert [(b.label, b.command, b.kind.value) for b in line.buttons] == [
        ("Utfört", "assignment report U1 done", "note"),
        ("Pågår", "assignment report U1 ongoing", "note"),
        ("Behöver ändras", "assignment report U1 changed", "note"),
    ]
    manual = _dms(runner, "Fråga själv")
    assert [to for to, _ in manual] == ["Sekreterare"]
    assert "RISE (ingen kontaktperson): U4" in manual[0][1]
    runner.tick("2027-11-18 09:30")
    runner.tick("2027-11-19 09:00")
    assert len(_dms(runner, "Årlig avrapportering")) == 2 and len(_dms(runner, "Fråga själv")) == 1

    # Per answers through the button (its command plus the form's text): a status report.
    send(
        console,
        "2027-11-25 14:00",
        "/assignment report U3 ongoing Gemensam traineeutbildning startad",
        user="Per Holm",
    )
    shown = console.text("/uppdrag uppföljning visa")
    assert "Näringslivsgruppen (kontakt: Lisa Berg): U1, U2" in shown
    assert "Saknar chattkonto – fråga själv:" in shown and "RISE" in shown
    assert "Har rapporterat: Personalchefgruppen." in shown

    runner.tick("2027-12-09 08:59")
    assert _dms(runner, "Påminnelse") == []
    runner.tick("2027-12-09 09:00")  # one week before: only who has not reported
    reminders = _dms(runner, "Påminnelse")
    assert [to for to, _ in reminders] == ["Lisa Berg"]
    assert "U1 Rally VM" in reminders[0][1]
    runner.tick("2027-12-09 12:00")
    runner.tick("2027-12-10 09:00")
    assert len(_dms(runner, "Påminnelse")) == 1
    per_person = {
        to: sum(1 for s in runner.messenger.sent if s.to == to) for to in ("Lisa Berg", "Per Holm")
    }
    assert per_person == {"Lisa Berg": 2, "Per Holm": 1}


def test_digest_lists_assignments_without_a_report_and_the_document(console: Transcript) -> None:
    _kc_with_assignments(console)
    send(console, "2026-11-23 09:05", "/uppdrag uppföljning KC-möte 2027-12-09")
    send(
        console,
        "2027-11-20 10:00",
        "/uppdrag rapport U3 Traineeprogrammet har startat pågår",
    )
    send(console, "2027-11-22 10:00", "/uppdrag rapport U1 Rallyt genomfördes i februari utfört")
    runner = Runner(console.engine)
    runner.tick("2027-12-07 09:00")  # the digest, two working days before Thu 9 Dec
    posts = [s.reply.as_text() for s in runner.messenger.sent if s.kind == "channel"]
    assert len(posts) == 1
    digest = posts[0]
    assert "Uppdrag utan rapport i år (uppföljning på mötet)" in digest
    assert "U2 Business Arena — Näringslivsgruppen" in digest
    assert "U4 Thriving Northern Capacities — RISE" in digest
    assert "U1 Rally VM —" not in digest and "U3 Kompetensförsörjning" not in digest

    send(
        console,
        "2027-12-09 10:00",
        "/uppdrag bedöm U1 utfört Rallyt lockade 80 000 besökare",
        "/uppdrag bedöm U3 pågår",
    )
    console.now = console.now.replace(hour=11)
    reply = console.send("/uppdrag uppföljning dokument")
    assert not reply.error, reply.as_text()
    files = {f.filename: f for f in reply.files}
    assert sorted(files) == [
        "uppfoljning-uppdrag-2027-12-09.docx",
        "uppfoljning-uppdrag-2027-12-09.md",
    ]
    md = files["uppfoljning-uppdrag-2027-12-09.md"].as_bytes().decode()
    assert md.startswith("# Uppföljning av uppdrag 2027")
    assert "## 1. Näringslivsgruppen" in md and "## 2. Personalchefgruppen" in md
    assert "## 3. RISE" in md
    assert "Rallyt genomfördes i februari" in md and "Uppdraget utfört" in md
    assert "Fortsatt uppföljning under 2028" in md
    word = Document(io.BytesIO(files["uppfoljning-uppdrag-2027-12-09.docx"].as_bytes()))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["1. Näringslivsgruppen", "2. Personalchefgruppen", "3. RISE"]
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    for number in ("U1 Rally VM", "U2 Business Arena", "U3 Kompetensförsörjning", "U4 Thriving"):
        assert any(c.startswith(number) for c in cells), number
    assert "U5" not in " ".join(cells)  # closed before this year's follow-up, nothing reported
    # The follow-up meeting's agenda has the item, with the document among its Bilagor.
    with_minutes = console.send("/meeting protokoll 2027-12-09").files
    assert [f.filename for f in with_minutes[2:]] == [
        "uppfoljning-uppdrag-2027-12-09.md",
        "uppfoljning-uppdrag-2027-12-09.docx",
    ]
    minutes = with_minutes[0].as_bytes().decode()
    assert "## 1. Uppföljning av uppdrag" in minutes
    assert (
        "**Bilagor:** uppfoljning-uppdrag-2027-12-09.md, uppfoljning-uppdrag-2027-12-09.docx"
        in minutes
    )


def test_a_day_that_is_not_a_working_day_moves_to_the_one_before() -> None:
    assert working_day_on_or_before(date(2027, 1, 6)) == date(2027, 1, 5)  # trettondedag jul
    assert working_day_on_or_before(date(2027, 11, 13)) == date(2027, 11, 12)  # a Saturday
    assert working_day_on_or_before(date(2027, 11, 11)) == date(2027, 11, 11)


def test_naming_another_meeting_moves_the_agenda_item_too(console: Transcript) -> None:
    _kc_with_assignments(console)
    send(console, "2026-11-23 09:05", "/uppdrag uppföljning KC-möte 2027-12-09")
    send(console, "2026-11-23 09:06", "/uppdrag uppföljning KC-möte 2028-01-13")

    def titles(day: date) -> list[str]:
        with transaction(console.engine) as session:
            meetings = session.exec(select(Meeting)).all()
            (on_day,) = [m for m in meetings if m.starts_at.date() == day]
            assert on_day.id is not None
            return [i.title for i in items_of(session, meeting_id=on_day.id)]

    assert "Uppföljning av uppdrag" not in titles(date(2027, 12, 9))
    assert titles(date(2028, 1, 13)).count("Uppföljning av uppdrag") == 1
