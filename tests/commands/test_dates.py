"""Tests for commands.dates: the date/time reader of the command language."""

from __future__ import annotations

from datetime import date, time

import pytest
from babel import Locale
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.dates import (
    DateError,
    extract_due,
    format_date,
    format_date_long,
    parse_date,
    parse_time,
    parse_time_span,
)

TODAY = date(2026, 11, 23)  # a Monday, ISO week 48
MEETING = date(2026, 12, 10)
SV_MONTHS = Locale.parse("sv").months["format"]["wide"]


def parse(text: str, today: date = TODAY, next_meeting: date | None = None) -> date:
    return parse_date(text, today=today, next_meeting=next_meeting)


def error_code(text: str, today: date = TODAY, next_meeting: date | None = None) -> str:
    with pytest.raises(DateError) as info:
        parse_date(text, today=today, next_meeting=next_meeting)
    assert info.value.text == text
    return info.value.code


# --- parse_date: expression families -------------------------------------------


def test_today_is_a_monday() -> None:
    assert TODAY.weekday() == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05", date(2026, 12, 5)),
        ("  2026-12-05  ", date(2026, 12, 5)),
        ("den 2026-12-05", date(2026, 12, 5)),
        ("2027-01-31", date(2027, 1, 31)),
        ("2028-02-29", date(2028, 2, 29)),
    ],
)
def test_iso(text: str, expected: date) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("idag", date(2026, 11, 23)),
        ("i dag", date(2026, 11, 23)),
        ("Today", date(2026, 11, 23)),
        ("imorgon", date(2026, 11, 24)),
        ("I  morgon", date(2026, 11, 24)),
        ("tomorrow", date(2026, 11, 24)),
        ("övermorgon", date(2026, 11, 25)),
        ("i övermorgon", date(2026, 11, 25)),
        ("the day after tomorrow", date(2026, 11, 25)),
    ],
)
def test_relative_days(text: str, expected: date) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fredag", date(2026, 11, 27)),
        ("Fredag", date(2026, 11, 27)),
        ("fre", date(2026, 11, 27)),
        ("friday", date(2026, 11, 27)),
        ("Fri", date(2026, 11, 27)),
        ("nästa fredag", date(2026, 11, 27)),
        ("next friday", date(2026, 11, 27)),
        ("på fredag", date(2026, 11, 27)),
        ("on Friday", date(2026, 11, 27)),
        ("tisdag", date(2026, 11, 24)),
        ("tors", date(2026, 11, 26)),
        ("sön", date(2026, 11, 29)),
        ("måndag", date(2026, 11, 30)),  # today is Monday: next week's Monday
        ("mån", date(2026, 11, 30)),
        ("Monday", date(2026, 11, 30)),
    ],
)
def test_weekdays(text: str, expected: date) -> None:
    assert parse(text) == expected


def test_weekday_on_the_same_weekday_means_next_week() -> None:
    friday = date(2026, 11, 27)
    assert parse("fredag", today=friday) == date(2026, 12, 4)
    assert parse("nästa fredag", today=friday) == date(2026, 12, 4)
    assert parse("fri", today=friday) == date(2026, 12, 4)
    assert parse("lördag", today=friday) == date(2026, 11, 28)


def test_weekday_across_year_end() -> None:
    assert parse("fredag", today=date(2026, 12, 30)) == date(2027, 1, 1)


@pytest.mark.parametrize("text", ["nästa vecka", "next week", "Nästa vecka"])
def test_next_week_is_next_monday(text: str) -> None:
    assert parse(text) == date(2026, 11, 30)
    assert parse(text, today=date(2026, 11, 29)) == date(2026, 11, 30)  # Sunday
    assert parse(text, today=date(2026, 12, 28)) == date(2027, 1, 4)


@pytest.mark.parametrize("text", ["v. 50", "v 50", "v.50", "vecka 50", "week 50", "w50", "V. 50"])
def test_iso_week_is_friday_of_that_week(text: str) -> None:
    assert parse(text) == date(2026, 12, 11)


def test_iso_week_current_week_and_roll_over() -> None:
    assert parse("v 48") == date(2026, 11, 27)  # the current week has not ended
    assert parse("v. 42") == date(2027, 10, 22)  # week 42 of 2026 has ended
    assert parse("v 1") == date(2027, 1, 8)
    assert parse("v 53") == date(2027, 1, 1)  # ISO 2026 has 53 weeks
    assert parse("v 42 2026") == date(2026, 10, 16)


def test_iso_week_53_only_where_it_exists() -> None:
    # ISO 2027 has 52 weeks; in 2027 week 53 cannot be reached.
    assert error_code("v 53", today=date(2027, 3, 1)) == "invalid"
    assert error_code("v 53 2027") == "invalid"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6/12", date(2026, 12, 6)),
        ("23/11", date(2026, 11, 23)),  # today is not "passed"
        ("6/11", date(2027, 11, 6)),  # passed: next year
        ("6/1", date(2027, 1, 6)),
        ("6/11 2026", date(2026, 11, 6)),
        ("6/11/2026", date(2026, 11, 6)),
        ("6/11-26", date(2026, 11, 6)),
        ("06/11/2027", date(2027, 11, 6)),
        ("den 8/6", date(2027, 6, 8)),
        ("29/2", date(2028, 2, 29)),
    ],
)
def test_numeric_day_first(text: str, expected: date) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6 dec", date(2026, 12, 6)),
        ("6 december", date(2026, 12, 6)),
        ("6 nov", date(2027, 11, 6)),
        ("6 nov.", date(2027, 11, 6)),
        ("6 nov 2026", date(2026, 11, 6)),
        ("6 november 2026", date(2026, 11, 6)),
        ("6:e november", date(2027, 11, 6)),
        ("1:a december", date(2026, 12, 1)),
        ("den 6:e december", date(2026, 12, 6)),
        ("6 November 2026", date(2026, 11, 6)),
        ("November 6", date(2027, 11, 6)),
        ("Nov 6, 2026", date(2026, 11, 6)),
        ("December 6th", date(2026, 12, 6)),
        ("3 sep", date(2027, 9, 3)),
        ("3 sept", date(2027, 9, 3)),
        ("3 sep. 2027", date(2027, 9, 3)),
        ("3 okt", date(2027, 10, 3)),
        ("3 oct 2027", date(2027, 10, 3)),
        ("1 maj", date(2027, 5, 1)),
        ("1 May 2027", date(2027, 5, 1)),
        ("15 mars", date(2027, 3, 15)),
        ("fre 27 nov 2026", date(2026, 11, 27)),
        ("torsdag den 10 december 2026", date(2026, 12, 10)),
        ("Friday, November 27, 2026", date(2026, 11, 27)),
    ],
)
def test_textual_dates(text: str, expected: date) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text", ["nästa möte", "till nästa möte", "next meeting", "by the next meeting"]
)
def test_next_meeting(text: str) -> None:
    assert parse(text, next_meeting=MEETING) == MEETING
    assert error_code(text) == "no_next_meeting"


@pytest.mark.parametrize(
    "text",
    [
        "31 februari",
        "30/2",
        "32/1",
        "0/1",
        "6/13",
        "2026-02-30",
        "2026-13-01",
        "v. 60",
        "v 0",
        "29 februari 2027",
        "31 april",
        "November 31",
        "fre 28 nov 2026",  # 28 November 2026 is a Saturday
    ],
)
def test_invalid_dates(text: str) -> None:
    assert error_code(text) == "invalid"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "blabla",
        "2",
        "2026",
        "Umeå",
        "fred",
        "tor",
        "nästa",
        "den",
        "v",
        "kl 9",
        "20261205",
        "6 nov 26",
        "\x00\u200b🙂",
    ],
)
def test_unknown(text: str) -> None:
    assert error_code(text) == "unknown"


def test_huge_input_is_unknown() -> None:
    assert error_code("6/11 " * 100_000) == "unknown"


def test_date_error_is_value_error() -> None:
    error = DateError("invalid", "31 februari")
    assert isinstance(error, ValueError)
    assert (error.code, error.text) == ("invalid", "31 februari")


# --- extract_due ------------------------------------------------------------------


def due(text: str, next_meeting: date | None = MEETING) -> tuple[str, date | None]:
    return extract_due(text, today=TODAY, next_meeting=next_meeting)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Skicka protokoll senast fredag", ("Skicka protokoll", date(2026, 11, 27))),
        ("Skicka protokoll @anna senast 6/12", ("Skicka protokoll @anna", date(2026, 12, 6))),
        ("Send minutes due 2026-12-05", ("Send minutes", date(2026, 12, 5))),
        ("Send minutes by Friday", ("Send minutes", date(2026, 11, 27))),
        ("Rapport, deadline: v. 50", ("Rapport", date(2026, 12, 11))),
        ("Budget slutdatum 6 december", ("Budget", date(2026, 12, 6))),
        ("Boka lokal till nästa möte", ("Boka lokal", MEETING)),
        ("Boka lokal senast till nästa möte", ("Boka lokal", MEETING)),
        ("Book a room by next meeting", ("Book a room", MEETING)),
        ("Book a room by the next meeting", ("Book a room", MEETING)),
        ("x due by 6/12", ("x", date(2026, 12, 6))),
        ("Talk by Anna senast fredag", ("Talk by Anna", date(2026, 11, 27))),
        ("Ring Anna fredag", ("Ring Anna", date(2026, 11, 27))),
        ("Ring fre", ("Ring", date(2026, 11, 27))),
        ("Ring Anna på fredag", ("Ring Anna", date(2026, 11, 27))),
        ("Ring Anna i morgon", ("Ring Anna", date(2026, 11, 24))),
        ("Ring Anna 6 dec", ("Ring Anna", date(2026, 12, 6))),
        ("Ring Anna den 6:e december 2026", ("Ring Anna", date(2026, 12, 6))),
        ("Call Anna the day after tomorrow", ("Call Anna", date(2026, 11, 25))),
        ("Inför v. 50", ("Inför", date(2026, 12, 11))),
        ("Skicka senast", ("Skicka senast", None)),
        ("Boka lokal för workshop", ("Boka lokal för workshop", None)),
        ("Lyft frågan i Umeå", ("Lyft frågan i Umeå", None)),
        ("Ring Anna", ("Ring Anna", None)),
        ("Ring Fred", ("Ring Fred", None)),
        ("Ring Tor", ("Ring Tor", None)),
        ("Skicka protokoll 2", ("Skicka protokoll 2", None)),
        ("Bio-Gas: Lyft frågan", ("Bio-Gas: Lyft frågan", None)),
        ("Planera nästa möte", ("Planera nästa möte", None)),
        ("  Ring Anna  ", ("Ring Anna", None)),
        ("", ("", None)),
    ],
)
def test_extract_due(text: str, expected: tuple[str, date | None]) -> None:
    assert due(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "bad"),
    [
        ("x senast 31 februari", "invalid", "31 februari"),
        ("x senast blabla", "unknown", "blabla"),
        ("x senast fredag @anna", "unknown", "fredag @anna"),
        ("Ring Anna 31 februari", "invalid", "31 februari"),
        ("Ring Anna 2026-02-30", "invalid", "2026-02-30"),
    ],
)
def test_extract_due_errors(text: str, code: str, bad: str) -> None:
    with pytest.raises(DateError) as info:
        due(text)
    assert (info.value.code, info.value.text) == (code, bad)


def test_extract_due_next_meeting_unknown() -> None:
    with pytest.raises(DateError) as info:
        due("Boka lokal till nästa möte", next_meeting=None)
    assert info.value.code == "no_next_meeting"


def test_extract_due_keeps_past_dates() -> None:
    assert due("x senast 2020-01-01") == ("x", date(2020, 1, 1))


# --- times ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:30", time(8, 30)),
        ("8.30", time(8, 30)),
        ("kl 9", time(9, 0)),
        ("kl. 9", time(9, 0)),
        ("Kl 9:15", time(9, 15)),
        ("9", time(9, 0)),
        ("23:59", time(23, 59)),
        ("0:00", time(0, 0)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [("24:00", "invalid"), ("9:60", "invalid"), ("nio", "unknown"), ("", "unknown")],
)
def test_parse_time_errors(text: str, code: str) -> None:
    with pytest.raises(DateError) as info:
        parse_time(text)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:30-12:00", (time(8, 30), time(12, 0))),
        ("8.30–12", (time(8, 30), time(12, 0))),
        ("kl 9-15", (time(9, 0), time(15, 0))),
        ("09:00 - 15:00", (time(9, 0), time(15, 0))),
        ("9—15.30", (time(9, 0), time(15, 30))),
        ("kl. 9 – kl. 15", (time(9, 0), time(15, 0))),
    ],
)
def test_parse_time_span(text: str, expected: tuple[time, time]) -> None:
    assert parse_time_span(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("12-9", "invalid"),
        ("9-9", "invalid"),
        ("9-25", "invalid"),
        ("9", "unknown"),
        ("9-12-15", "unknown"),
        ("nio-tolv", "unknown"),
    ],
)
def test_parse_time_span_errors(text: str, code: str) -> None:
    with pytest.raises(DateError) as info:
        parse_time_span(text)
    assert (info.value.code, info.value.text) == (code, text)


# --- formatting -------------------------------------------------------------------


def test_format_date() -> None:
    assert format_date(date(2026, 11, 27), "sv") == "fre 27 nov 2026"
    assert format_date(date(2026, 11, 27), "en") == "Fri 27 Nov 2026"
    assert format_date(date(2026, 11, 28), "sv") == "lör 28 nov 2026"
    assert format_date(date(2026, 9, 1), "sv") == "tis 1 sep 2026"
    assert format_date(date(2027, 5, 1), "sv") == "lör 1 maj 2027"
    assert format_date(date(2027, 3, 15), "en") == "Mon 15 Mar 2027"


def test_format_date_long() -> None:
    assert format_date_long(date(2026, 12, 10), "sv") == "torsdag 10 december 2026"
    assert format_date_long(date(2026, 12, 10), "en") == "Thursday 10 December 2026"


def test_format_date_unknown_language_falls_back_to_swedish() -> None:
    assert format_date(date(2026, 11, 27), "xx-nope") == "fre 27 nov 2026"


# --- properties -------------------------------------------------------------------

DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=200, deadline=None)
@given(st.text(), DATES)
def test_parse_date_only_raises_date_error(text: str, today: date) -> None:
    try:
        result = parse_date(text, today=today, next_meeting=None)
    except DateError as error:
        assert error.code in {"invalid", "unknown", "no_next_meeting"}
    else:
        assert isinstance(result, date)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.one_of(st.none(), DATES))
def test_extract_due_only_raises_date_error(text: str, next_meeting: date | None) -> None:
    try:
        rest, found = extract_due(text, today=TODAY, next_meeting=next_meeting)
    except DateError:
        return
    assert isinstance(rest, str)
    assert found is None or isinstance(found, date)


@settings(max_examples=200, deadline=None)
@given(DATES)
def test_round_trip_iso(d: date) -> None:
    assert parse(d.isoformat()) == d


@settings(max_examples=200, deadline=None)
@given(DATES)
def test_round_trip_day_month_year(d: date) -> None:
    assert parse(f"{d.day}/{d.month} {d.year}") == d


@settings(max_examples=200, deadline=None)
@given(DATES)
def test_round_trip_swedish_month_name(d: date) -> None:
    assert parse(f"{d.day} {SV_MONTHS[d.month]} {d.year}") == d


@settings(max_examples=200, deadline=None)
@given(DATES, st.sampled_from(["sv", "en"]))
def test_round_trip_format_date(d: date, lang: str) -> None:
    assert parse(format_date(d, lang)) == d
    assert parse(format_date_long(d, lang)) == d


def test_english_by_before_a_name_is_ordinary_text() -> None:
    today = date(2026, 11, 23)
    assert extract_due("Presentation by Anna", today=today) == ("Presentation by Anna", None)
    assert extract_due("Report by Anna by 5/12", today=today) == (
        "Report by Anna",
        date(2026, 12, 5),
    )
    with pytest.raises(DateError) as err:
        extract_due("Presentation senast Anna", today=today)
    assert err.value.code == "unknown"
