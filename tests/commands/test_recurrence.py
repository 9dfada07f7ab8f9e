"""Recurrences in both languages, and series, move and cancel through the console."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from commands.recurrence import RecurrenceError, describe, occurrences, parse_recurrence
from storage.models import Meeting, MeetingStatus
from tests.conftest import Transcript
from tests.scheduler.helpers import send

START = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "rrule"),
    [
        ("varje månad andra torsdagen", "FREQ=MONTHLY;BYDAY=+2TH"),
        ("monthly 2nd thursday", "FREQ=MONTHLY;BYDAY=+2TH"),
        ("andra torsdagen i varje månad", "FREQ=MONTHLY;BYDAY=+2TH"),
        ("every month on the second Thursday", "FREQ=MONTHLY;BYDAY=+2TH"),
        ("varannan vecka tisdag", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("every other week tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("every 2 weeks on Tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("varje vecka måndag", "FREQ=WEEKLY;BYDAY=MO"),
        ("varje måndag", "FREQ=WEEKLY;BYDAY=MO"),
        ("weekly on mondays", "FREQ=WEEKLY;BYDAY=MO"),
        ("sista fredagen varje månad", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("last friday of every month", "FREQ=MONTHLY;BYDAY=-1FR"),
    ],
)
def test_recurrences_in_both_languages(text: str, rrule: str) -> None:
    rule = parse_recurrence(text).rrule(START)
    assert rule == f"DTSTART:20261123\nRRULE:{rrule}"


@pytest.mark.parametrize(
    "text", ["varje dag", "monthly thursday", "varje månad andra", "hej", "andra fredag"]
)
def test_unknown_recurrences_are_refused(text: str) -> None:
    with pytest.raises(RecurrenceError):
        parse_recurrence(text)


def test_dates_of_the_rules() -> None:
    monthly = parse_recurrence("monthly 2nd thursday").rrule(START)
    assert occurrences(monthly, START, date(2027, 2, 28)) == [
        date(2026, 12, 10),
        date(2027, 1, 14),
        date(2027, 2, 11),
    ]
    biweekly = parse_recurrence("varannan vecka tisdag").rrule(START)
    assert occurrences(biweekly, START, date(2026, 12, 31)) == [
        date(2026, 11, 24),
        date(2026, 12, 8),
        date(2026, 12, 22),
    ]
    assert describe(monthly, "sv") == "varje månad, andra torsdagen"
    assert describe(biweekly, "en") == "every other week, Tuesday"


def _planned(console: Transcript) -> list[Meeting]:
    with Session(console.engine) as session:
        stmt = select(Meeting).where(Meeting.status == MeetingStatus.PLANNED)
        return list(session.exec(stmt.order_by(Meeting.starts_at)))  # type: ignore[arg-type]


def test_series_new_plans_a_year_bound_to_the_channel(console: Transcript) -> None:
    text = console.text(
        "/meeting series new KC-möte varje månad andra torsdagen 08:30-12:00 Stadshuset"
    )
    assert "12 möten planerade" in text
    assert "tors 10 dec 2026 08:30–12:00, Stadshuset" in text
    meetings = _planned(console)
    assert len(meetings) == 12
    assert meetings[0].starts_at.isoformat() == "2026-12-10T07:30:00+00:00"
    # The channel knows its series: the next meeting is found without naming it.
    assert "tors 10 dec 2026" in console.text("/meeting next")
    again = console.send("/meeting series new KC-möte varannan vecka tisdag 09:00-10:00")
    assert again.error and "redan" in again.headline
    assert len(_planned(console)) == 12


def test_series_new_in_english(console: Transcript) -> None:
    reply = console.send(
        "/meeting series new URR every other week tuesday 13:00-15:00 Town hall", lang="en"
    )
    assert not reply.error
    assert "every other week, Tuesday" in reply.headline
    assert "meetings planned" in reply.headline


def test_bad_rule_explains_and_saves_nothing(console: Transcript) -> None:
    reply = console.send("/meeting series new KC varje dag 08:30-12:00")
    assert reply.error and "upprepningen" in reply.headline
    assert _planned(console) == []


def test_move_and_cancel_one_occurrence(console_any: Transcript) -> None:
    console = console_any
    send(
        console,
        "2026-11-23 09:00",
        "/meeting series new KC varje månad andra torsdagen 08:30-12:00",
    )
    moved = console.text("/meeting move 2026-12-10 2026-12-17 09:00-12:00")
    assert "tors 17 dec 2026 09:00–12:00" in moved
    cancelled = console.text("/meeting ställin 2027-01-14")
    assert "inställt" in cancelled
    days = [m.starts_at.date().isoformat() for m in _planned(console)]
    assert "2026-12-17" in days and "2026-12-10" not in days and "2027-01-14" not in days
    # Topping up the horizon does not bring the moved or cancelled dates back.
    from commands.planning import extend_all
    from tests.scheduler.helpers import at

    with Session(console.engine) as session:
        extend_all(session, now=at("2026-11-30 09:00"))
        session.commit()
    days = [m.starts_at.date().isoformat() for m in _planned(console)]
    assert "2026-12-10" not in days and "2027-01-14" not in days
    missing = console.send("/meeting move 2026-12-11 2026-12-18")
    assert missing.error and "Inget planerat möte" in missing.headline


def test_digest_settings_per_series(console: Transcript) -> None:
    send(
        console,
        "2026-11-23 09:00",
        "/meeting series new KC varje månad andra torsdagen 08:30-12:00",
    )
    text = console.text("/meeting series digest KC 3 07:45")
    assert "3 arbetsdagar före mötet kl. 07:45" in text
    text = console.text("/meeting series digest KC morgon på")
    assert "mötesdagens morgon" in text
    bad = console.send("/meeting series digest KC")
    assert bad.error


def test_series_show_in_both_languages(console: Transcript) -> None:
    send(
        console,
        "2026-11-23 09:00",
        "/meeting series new KC varje månad andra torsdagen 08:30-12:00",
    )
    sv = console.text("/meeting serie visa")
    assert "Upprepning: varje månad, andra torsdagen" in sv
    assert "2 arbetsdagar före mötet kl. 09:00" in sv
    en = console.send("/meeting series show KC", lang="en").as_text()
    assert "Repeats: monthly, second Thursday" in en
    assert "2 working days before the meeting at 09:00" in en
    unknown = console.send("/meeting series show Okänd")
    assert unknown.error and "Okänd" in unknown.headline
