"""Dates as Swedes write them, through the console as the secretary types them (issue 14)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from commands.dates import DateError, parse_date
from storage import backup
from storage.db import transaction
from tests.conftest import STOCKHOLM, Transcript

DECEMBER = datetime(2026, 12, 8, 8, 0, tzinfo=STOCKHOLM)
JUNE = datetime(2027, 6, 15, 8, 0, tzinfo=STOCKHOLM)
ECHO_RE = re.compile(r"senast (\S+ \d{1,2} \S+ \d{4})")


def _actions(console: Transcript) -> dict[int, dict[str, object]]:
    with transaction(console.engine) as session:
        data = backup.export_data(session, exported_at=datetime(2027, 1, 1, tzinfo=UTC))
    workspaces = data["workspaces"]
    if not workspaces:
        return {}
    return {int(a["number"]): a for a in workspaces[0]["actions"]}


def _plan(console: Transcript) -> None:
    for line in (
        "/meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset",
        "/meeting new URR 2027-01-20 09:00-12:00 Rådhuset",
    ):
        reply = console.send(line)
        assert not reply.error, reply.as_text()


@pytest.mark.parametrize(
    ("line", "echo", "due"),
    [
        ("Skicka underlag senast i slutet av januari", "fre 29 jan 2027", "2027-01-29"),
        ("Skicka underlag om två veckor", "tis 22 dec 2026", "2026-12-22"),
        ("Skicka underlag innan jul", "ons 23 dec 2026", "2026-12-23"),
        ("Skicka underlag före påsk", "tors 25 mars 2027", "2027-03-25"),
        ("Skicka underlag t.o.m. 15/1", "fre 15 jan 2027", "2027-01-15"),
        ("Skicka underlag tom 15/1", "fre 15 jan 2027", "2027-01-15"),
        ("Skicka underlag senast den 15:e", "tis 15 dec 2026", "2026-12-15"),
        ("Skicka underlag nästa fredag", "fre 18 dec 2026", "2026-12-18"),
        ("Skicka underlag på fredag", "fre 11 dec 2026", "2026-12-11"),
        ("Skicka underlag tisdag v. 3", "tis 19 jan 2027", "2027-01-19"),
        ("Skicka underlag innan nästa möte", "ons 9 dec 2026", "2026-12-09"),
        ("Skicka underlag till nästa URR-möte", "ons 20 jan 2027", "2027-01-20"),
        ("Skicka underlag snarast", "ons 9 dec 2026", "2026-12-09"),
        ("Skicka underlag i början av nästa vecka", "mån 14 dec 2026", "2026-12-14"),
    ],
)
def test_phrases_are_stored_and_echoed(console: Transcript, line: str, echo: str, due: str) -> None:
    console.now = DECEMBER
    _plan(console)
    reply = console.send(f"/action add {line}")
    assert not reply.error, reply.as_text()
    text = reply.as_text()
    assert "#1 Skicka underlag —" in text  # no keyword left in the text
    assert f"senast {echo}" in text
    assert _actions(console)[1]["due_date"] == due


def test_echo_typed_back_gives_the_same_date(console: Transcript) -> None:
    console.now = DECEMBER
    _plan(console)
    phrases = ["i mitten av mars", "före midsommar", "om en månad", "julafton", "15.1"]
    for number, phrase in enumerate(phrases, start=1):
        added = console.text(f"/action add Uppgift {number} senast {phrase}")
        echo = ECHO_RE.search(added)
        assert echo is not None, added
        stored = _actions(console)[number]["due_date"]
        moved = console.send(f"/action datum #{number} {echo.group(1)}")
        assert not moved.error, moved.as_text()
        assert _actions(console)[number]["due_date"] == stored
        assert parse_date(echo.group(1), today=DECEMBER.date()).isoformat() == stored


def test_a_passed_day_without_a_year_is_a_question_and_stores_nothing(
    console: Transcript,
) -> None:
    console.now = JUNE
    reply = console.send("/action add Rapport senast 5 mars")
    assert reply.error
    assert reply.as_text().startswith("5 mars har redan varit — menar du 5 mars 2028? Skriv året.")
    assert _actions(console) == {}
    reply = console.send("/action add Rapport senast i slutet av januari")
    assert reply.as_text().startswith(
        "Slutet av januari har redan varit — menar du slutet av januari 2028? Skriv året."
    )
    # The answer the question asks for is understood.
    assert "senast mån 31 jan 2028" in console.text(
        "/action add Rapport senast slutet av januari 2028"
    )
    assert "senast sön 5 mars 2028" in console.text("/action add Rapport senast 5 mars 2028")


def test_a_month_that_passed_is_a_question_in_english(console: Transcript) -> None:
    console.now = DECEMBER
    reply = console.send("/action add Report by October", lang="en")
    assert reply.error
    assert reply.as_text().startswith(
        "October has already passed — do you mean October 2027? Write the year."
    )
    assert _actions(console) == {}


def test_a_weekday_that_does_not_match_is_refused(console: Transcript) -> None:
    console.now = DECEMBER
    reply = console.send("/action add Rapport senast mån 16 mars 2027")
    assert reply.error
    assert reply.as_text().startswith("16 mars 2027 är en tisdag, inte måndag.")
    reply = console.send("/action add Report by Mon 16 March 2027", lang="en")
    assert reply.as_text().startswith("16 March 2027 is a Tuesday, not a Monday.")
    assert _actions(console) == {}


def test_a_date_not_understood_gets_examples(console: Transcript) -> None:
    console.now = DECEMBER
    reply = console.send("/action add Rapport senast slutet av kvartalet")
    assert reply.error
    text = reply.as_text()
    assert "”slutet av kvartalet”" in text
    assert "om två veckor" in text and "i slutet av mars" in text and "innan jul" in text
    assert _actions(console) == {}
    # Every example the message gives is understood.
    examples = text.split("Det här fungerar: ")[1].split(". Ingenting")[0].split(", ")
    _all_understood(examples)


def _all_understood(examples: list[str]) -> None:
    for example in examples:
        try:
            parse_date(example, today=DECEMBER.date(), next_meeting=DECEMBER.date())
        except DateError as error:  # understood, but October has passed in December
            assert error.code == "ask_year", example


def test_examples_in_english_are_understood(console: Transcript) -> None:
    console.now = DECEMBER
    text = console.text("/action add Report by end of the quarter", lang="en")
    examples = text.split("These work: ")[1].split(". Nothing")[0].split(", ")
    assert len(examples) > 8
    _all_understood(examples)


def test_senast_without_a_date_is_text_and_numbers_are_text(console: Transcript) -> None:
    console.now = DECEMBER
    assert "#1 Meddela senast nytt om budgeten — ansvarig: ej angivet — inget slutdatum" in (
        console.text("/action add Meddela senast nytt om budgeten")
    )
    assert "#2 Ta upp under punkt 3.1 — ansvarig: ej angivet — inget slutdatum" in (
        console.text("/action add Ta upp under punkt 3.1")
    )
    assert "#3 Ring Tom — ansvarig: ej angivet — senast fre 11 dec 2026" in (
        console.text("/action add Ring Tom fredag")
    )
    actions = _actions(console)
    assert [actions[n]["due_date"] for n in (1, 2, 3)] == [None, None, "2026-12-11"]


def test_unknown_series_is_refused(console: Transcript) -> None:
    console.now = DECEMBER
    _plan(console)
    reply = console.send("/action add Boka lokal till nästa styrgruppsmöte")
    assert reply.error
    assert "”till nästa styrgruppsmöte”" in reply.as_text()
    assert _actions(console) == {}


def test_due_and_away_read_the_same_phrases(console: Transcript) -> None:
    console.now = DECEMBER
    console.send("/action add Rapport")
    assert "senast fre 29 jan 2027" in console.text("/action datum #1 i slutet av januari")
    assert "senast ons 23 dec 2026" in console.text("/action datum #1 innan jul")
    reply = console.send("/action datum #1 i oktober")
    assert reply.error and "Oktober har redan varit" in reply.as_text()
    assert _actions(console)[1]["due_date"] == "2026-12-23"
    away = console.text("/action borta till om två veckor")
    assert "22 dec 2026" in away


def test_help_says_which_friday(console: Transcript) -> None:
    assert "fredag (den kommande), nästa fredag (nästa veckas)" in console.text("/action hjälp")
    assert "Friday (the coming one), next Friday (next week's)" in console.text(
        "/action help", lang="en"
    )
