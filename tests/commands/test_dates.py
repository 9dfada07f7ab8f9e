"""Tests for commands.dates: the date/time reader of the command language."""

from __future__ import annotations

from datetime import date, time

import pytest
from babel import Locale
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.dates import (
    DateError,
    Period,
    describe_period,
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
        ("nästa fredag", date(2026, 12, 4)),  # the Friday of next week
        ("next friday", date(2026, 12, 4)),
        ("på fredag", date(2026, 11, 27)),  # the coming one
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
def test_next_week_is_friday_of_next_week(text: str) -> None:
    assert parse(text) == date(2026, 12, 4)
    assert parse(text, today=date(2026, 11, 29)) == date(2026, 12, 4)  # Sunday
    assert parse(text, today=date(2026, 12, 28)) == date(2027, 1, 8)


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
        ("22/5", date(2027, 5, 22)),  # passed more than six months ago: next year
        ("6/1", date(2027, 1, 6)),
        ("6/11 2026", date(2026, 11, 6)),
        ("6/11/2026", date(2026, 11, 6)),
        ("6/11-26", date(2026, 11, 6)),
        ("06/11/2027", date(2027, 11, 6)),
        ("den 8/12", date(2026, 12, 8)),
        ("29/2 2028", date(2028, 2, 29)),
    ],
)
def test_numeric_day_first(text: str, expected: date) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6 dec", date(2026, 12, 6)),
        ("6 december", date(2026, 12, 6)),
        ("6 nov 2026", date(2026, 11, 6)),
        ("6 november 2026", date(2026, 11, 6)),
        ("1:a december", date(2026, 12, 1)),
        ("den 6:e december", date(2026, 12, 6)),
        ("6 November 2026", date(2026, 11, 6)),
        ("Nov 6, 2026", date(2026, 11, 6)),
        ("December 6th", date(2026, 12, 6)),
        ("3 sep. 2027", date(2027, 9, 3)),
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
    ],
)
def test_invalid_dates(text: str) -> None:
    assert error_code(text) == "invalid"


def test_29_february_without_a_year_in_a_common_year_is_a_slip() -> None:
    """In November 2026 the coming February has 28 days: "29/2" is refused, not read as
    2028; in a leap year's winter it is that February's."""
    assert error_code("29/2") == "no_leap_day"
    assert error_code("29 februari") == "no_leap_day"
    assert parse("29 februari", today=date(2027, 11, 1)) == date(2028, 2, 29)


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
        # "till"/"innan"/"före" before a slashed date make it one, and leave the text.
        ("Boka buss till 15/12", ("Boka buss", date(2026, 12, 15))),
        ("Boka buss innan 15/12", ("Boka buss", date(2026, 12, 15))),
        ("Boka buss innan 15 december", ("Boka buss", date(2026, 12, 15))),
        ("Ta upp punkten till 3.1", ("Ta upp punkten till 3.1", None)),
        # "läs på" is a verb: "på" stays when a lead word follows it.
        ("Läs på till måndag", ("Läs på", date(2026, 11, 30))),
        ("Ring Anna på måndag", ("Ring Anna", date(2026, 11, 30))),
        # A time after the day stays in the text; the day is the due date.
        ("Ring Anna i morgon kl 10", ("Ring Anna kl 10", date(2026, 11, 24))),
        ("Ring Anna senast fredag kl. 12:30", ("Ring Anna kl. 12:30", date(2026, 11, 27))),
        ("Boka lokal senast 6 dec klockan 9", ("Boka lokal klockan 9", date(2026, 12, 6))),
        ("Möte med Anna kl 10", ("Möte med Anna kl 10", None)),
        # "senast 2 veckor" for "inom 2 veckor"; without the keyword it is text.
        ("Rapport senast 2 veckor", ("Rapport", date(2026, 12, 7))),
        ("Planera en konferens på 2 dagar", ("Planera en konferens på 2 dagar", None)),
        ("Utbildning 3 veckor", ("Utbildning 3 veckor", None)),
        ("Ring Anna till veckan", ("Ring Anna", date(2026, 12, 4))),
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
        ("x senast fredag @anna", "unknown", "fredag @anna"),
        ("Ring Anna 31 februari", "invalid", "31 februari"),
        ("Ring Anna 2026-02-30", "invalid", "2026-02-30"),
        ("Ring Anna 31 februari kl 10", "invalid", "31 februari"),
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

CODES = {
    "invalid",
    "unknown",
    "no_next_meeting",
    "no_series_meeting",
    "ask_year",
    "weekday_mismatch",
}
DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=200, deadline=None)
@given(st.text(), DATES)
def test_parse_date_only_raises_date_error(text: str, today: date) -> None:
    try:
        result = parse_date(text, today=today, next_meeting=None)
    except DateError as error:
        assert error.code in CODES
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
    # A keyword followed by no date at all is text, not a refusal.
    assert extract_due("Presentation senast Anna", today=today) == (
        "Presentation senast Anna",
        None,
    )


# --- Dates as Swedes write them (issue 14) ----------------------------------------

DEC = date(2026, 12, 8)  # a Tuesday, ISO week 50
MARCH = date(2027, 3, 10)  # a Wednesday
JUNE = date(2027, 6, 15)  # a Tuesday
KC_MEETING = date(2027, 1, 14)


def _series(name: str) -> date | None:
    return KC_MEETING if name in ("kc", "urr") else None


def on(text: str, today: date) -> date:
    return parse_date(text, today=today, next_meeting=MEETING, series_meeting=_series)


def refusal(text: str, today: date) -> DateError:
    with pytest.raises(DateError) as info:
        on(text, today)
    return info.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("om två veckor", date(2026, 12, 22)),
        ("om 5 dagar", date(2026, 12, 13)),  # calendar days, as written
        ("om en månad", date(2027, 1, 8)),
        ("om ett år", date(2027, 12, 8)),
        ("inom en vecka", date(2026, 12, 15)),
        ("om en vecka", date(2026, 12, 15)),  # the same weekday next week
        ("om tre veckor", date(2026, 12, 29)),
        ("om tolv dagar", date(2026, 12, 20)),
        ("om elva veckor", date(2027, 2, 23)),
        ("Om 14 dagar", date(2026, 12, 22)),
        ("om ett par veckor", date(2026, 12, 22)),
        ("om 3 arbetsdagar", date(2026, 12, 11)),
        ("om 5 arbetsdagar", date(2026, 12, 15)),
        ("in two weeks", date(2026, 12, 22)),
        ("in 2 weeks", date(2026, 12, 22)),
        ("in a month", date(2027, 1, 8)),
        ("within a week", date(2026, 12, 15)),
        ("within 3 days", date(2026, 12, 11)),
        ("in five working days", date(2026, 12, 15)),
        ("a week from today", date(2026, 12, 15)),
        ("two weeks from now", date(2026, 12, 22)),
    ],
)
def test_relative_spans(text: str, expected: date) -> None:
    assert on(text, DEC) == expected


def test_relative_month_at_month_end() -> None:
    assert on("om en månad", date(2027, 1, 31)) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # last working day: 31 December is nyårsafton
        ("i slutet av månaden", date(2026, 12, 30)),
        ("slutet av månaden", date(2026, 12, 30)),
        ("i slutet på månaden", date(2026, 12, 30)),
        ("end of the month", date(2026, 12, 30)),
        ("the end of this month", date(2026, 12, 30)),
        ("i slutet av nästa månad", date(2027, 1, 29)),
        ("i början av nästa månad", date(2027, 1, 4)),  # 1 Jan holiday, then a weekend
        ("beginning of next month", date(2027, 1, 4)),
        ("i slutet av januari", date(2027, 1, 29)),  # 30-31 Jan 2027 is a weekend
        ("i slutet av jan", date(2027, 1, 29)),
        ("end of January", date(2027, 1, 29)),
        ("the end of January", date(2027, 1, 29)),
        ("late January", date(2027, 1, 29)),
        ("i mitten av mars", date(2027, 3, 15)),
        ("mitten av mars", date(2027, 3, 15)),
        ("i mitten av maj", date(2027, 5, 14)),  # 15 May 2027 is a Saturday
        ("mid-March", date(2027, 3, 15)),
        ("mid March", date(2027, 3, 15)),
        ("the middle of May", date(2027, 5, 14)),
        ("i början av april", date(2027, 4, 1)),
        ("i början av januari", date(2027, 1, 4)),
        ("i början av maj", date(2027, 5, 3)),  # 1 May is a holiday, then a weekend
        ("beginning of April", date(2027, 4, 1)),
        ("start of April", date(2027, 4, 1)),
        ("early May", date(2027, 5, 3)),
        ("i februari", date(2027, 2, 26)),  # its last working day
        ("i maj", date(2027, 5, 31)),  # May 2026 ended more than six months ago
        ("under april", date(2027, 4, 30)),
        ("in April", date(2027, 4, 30)),
        ("i december", date(2026, 12, 30)),
        ("sista mars", date(2027, 3, 31)),  # the last day, working or not
        ("den sista februari", date(2027, 2, 28)),
        ("sista dagen i april", date(2027, 4, 30)),
        ("last day of February", date(2027, 2, 28)),
        ("sista arbetsdagen i februari", date(2027, 2, 26)),
        ("i slutet av maj 2028", date(2028, 5, 31)),
        ("i oktober 2027", date(2027, 10, 29)),
        ("end of October 2027", date(2027, 10, 29)),
        ("i slutet av året", date(2026, 12, 30)),
        ("i början av nästa år", date(2027, 1, 4)),
    ],
)
def test_parts_of_a_month(text: str, expected: date) -> None:
    assert on(text, DEC) == expected


def test_parts_of_this_month_roll_on_once_passed() -> None:
    # On 31 December the month's last working day (the 30th) has passed.
    assert on("i slutet av månaden", date(2026, 12, 31)) == date(2027, 1, 29)
    assert on("i början av månaden", date(2026, 12, 8)) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("innan jul", DEC, date(2026, 12, 23)),
        ("före jul", DEC, date(2026, 12, 23)),
        ("Innan jul", DEC, date(2026, 12, 23)),
        ("till jul", DEC, date(2026, 12, 23)),
        ("före julen", DEC, date(2026, 12, 23)),
        ("innan påsk", DEC, date(2027, 3, 25)),  # långfredagen is 26 March 2027
        ("före påsk", DEC, date(2027, 3, 25)),
        ("före midsommar", DEC, date(2027, 6, 24)),  # midsommarafton 25 June 2027
        ("innan midsommar", JUNE, date(2027, 6, 24)),
        ("innan nyår", DEC, date(2026, 12, 30)),
        ("julafton", DEC, date(2026, 12, 24)),
        ("på julafton", DEC, date(2026, 12, 24)),
        ("nyårsafton", DEC, date(2026, 12, 31)),
        ("midsommarafton", DEC, date(2027, 6, 25)),
        ("innan julafton", DEC, date(2026, 12, 23)),
        ("before Christmas", DEC, date(2026, 12, 23)),
        ("Christmas", DEC, date(2026, 12, 23)),  # "by Christmas"
        ("before Easter", DEC, date(2027, 3, 25)),
        ("before midsummer", DEC, date(2027, 6, 24)),
        ("Christmas Eve", DEC, date(2026, 12, 24)),
        ("New Year's Eve", DEC, date(2026, 12, 31)),
        ("New Year’s Eve", DEC, date(2026, 12, 31)),
        ("efter jul", DEC, date(2026, 12, 28)),
        ("efter påsk", DEC, date(2027, 3, 30)),
        ("after Easter", DEC, date(2027, 3, 30)),
        ("efter midsommar", DEC, date(2027, 6, 28)),
        ("efter nyår", DEC, date(2027, 1, 4)),
        # after this year's holiday: next year's
        ("innan påsk", JUNE, date(2028, 4, 13)),
        ("innan jul", date(2026, 12, 24), date(2027, 12, 23)),
        ("julafton", date(2026, 12, 24), date(2026, 12, 24)),
        ("julafton", date(2026, 12, 25), date(2027, 12, 24)),
        ("före midsommar", date(2027, 6, 25), date(2028, 6, 22)),
        ("innan jul 2027", DEC, date(2027, 12, 23)),
    ],
)
def test_holidays(text: str, today: date, expected: date) -> None:
    assert on(text, today) == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("den 15:e", DEC, date(2026, 12, 15)),
        ("den 15", DEC, date(2026, 12, 15)),
        ("15:e", DEC, date(2026, 12, 15)),
        ("the 15th", DEC, date(2026, 12, 15)),
        ("den 8:e", DEC, date(2026, 12, 8)),  # today is the 8th
        ("den 1:a", DEC, date(2027, 1, 1)),
        ("den 31:a", date(2027, 2, 2), date(2027, 3, 31)),
        ("den 15:e", date(2026, 12, 16), date(2027, 1, 15)),
        ("15.1", DEC, date(2027, 1, 15)),
        ("15.1.", DEC, date(2027, 1, 15)),
        ("15.1.2027", DEC, date(2027, 1, 15)),
        ("15.01.27", DEC, date(2027, 1, 15)),
        ("15/1-27", DEC, date(2027, 1, 15)),
        ("15/1", DEC, date(2027, 1, 15)),
        ("fredag nästa vecka", DEC, date(2026, 12, 18)),
        ("fredag i nästa vecka", DEC, date(2026, 12, 18)),
        ("Friday next week", DEC, date(2026, 12, 18)),
        ("nästa vecka fredag", DEC, date(2026, 12, 18)),
        ("tisdag v. 3", DEC, date(2027, 1, 19)),
        ("tisdag vecka 3", DEC, date(2027, 1, 19)),
        ("tis v3", DEC, date(2027, 1, 19)),
        ("Tuesday week 3", DEC, date(2027, 1, 19)),
        ("måndag v. 51", DEC, date(2026, 12, 14)),
        ("mån 14 dec", DEC, date(2026, 12, 14)),
        ("tis 15 dec", DEC, date(2026, 12, 15)),
        ("måndag den 14 december", DEC, date(2026, 12, 14)),
        ("mån 14/12", DEC, date(2026, 12, 14)),
        ("fredag den 18:e", DEC, date(2026, 12, 18)),
        ("nästa fredag", DEC, date(2026, 12, 18)),
        ("next Friday", DEC, date(2026, 12, 18)),
        ("nästa måndag", DEC, date(2026, 12, 14)),
        ("fredag", DEC, date(2026, 12, 11)),
        ("på fredag", DEC, date(2026, 12, 11)),
        ("Friday", DEC, date(2026, 12, 11)),
        ("on Friday", DEC, date(2026, 12, 11)),
        ("kommande fredag", DEC, date(2026, 12, 11)),
        ("this Friday", DEC, date(2026, 12, 11)),
        # on a Saturday or Sunday "nästa fredag" is the coming Friday
        ("nästa fredag", date(2026, 12, 12), date(2026, 12, 18)),
        ("nästa fredag", date(2026, 12, 13), date(2026, 12, 18)),
        ("fredag", date(2026, 12, 12), date(2026, 12, 18)),
        ("nästa fredag", date(2026, 12, 11), date(2026, 12, 18)),
        ("i början av nästa vecka", DEC, date(2026, 12, 14)),
        ("början av nästa vecka", DEC, date(2026, 12, 14)),
        ("beginning of next week", DEC, date(2026, 12, 14)),
        ("early next week", DEC, date(2026, 12, 14)),
        ("i mitten av nästa vecka", DEC, date(2026, 12, 16)),
        ("i slutet av nästa vecka", DEC, date(2026, 12, 18)),
        ("i slutet av veckan", DEC, date(2026, 12, 11)),
        ("end of the week", DEC, date(2026, 12, 11)),
        ("i veckan", DEC, date(2026, 12, 11)),
        ("denna vecka", DEC, date(2026, 12, 11)),
        ("this week", DEC, date(2026, 12, 11)),
        ("i slutet av veckan", date(2026, 12, 12), date(2026, 12, 18)),
    ],
)
def test_day_forms(text: str, today: date, expected: date) -> None:
    assert on(text, today) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("till nästa möte", MEETING),
        ("nästa möte", MEETING),
        ("innan nästa möte", date(2026, 12, 9)),  # the working day before
        ("före nästa möte", date(2026, 12, 9)),
        ("before the next meeting", date(2026, 12, 9)),
        ("till nästa KC-möte", KC_MEETING),
        ("till nästa kc möte", KC_MEETING),
        ("nästa KC-möte", KC_MEETING),
        ("innan nästa KC-möte", date(2027, 1, 13)),
        ("till nästa URR-möte", KC_MEETING),
        ("by the next KC meeting", KC_MEETING),
        ("before the next KC meeting", date(2027, 1, 13)),
    ],
)
def test_meetings(text: str, expected: date) -> None:
    assert on(text, DEC) == expected


def test_meeting_before_a_monday_is_the_friday() -> None:
    assert parse_date("innan nästa möte", today=DEC, next_meeting=date(2026, 12, 14)) == date(
        2026, 12, 11
    )


def test_unknown_series_is_a_refusal() -> None:
    assert refusal("till nästa styrgruppsmöte", DEC).code == "no_series_meeting"
    with pytest.raises(DateError) as info:
        parse_date("till nästa KC-möte", today=DEC)  # no lookup given
    assert info.value.code == "no_series_meeting"


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("snarast", DEC, date(2026, 12, 9)),
        ("Snarast", DEC, date(2026, 12, 9)),
        ("snarast möjligt", DEC, date(2026, 12, 9)),
        ("så snart som möjligt", DEC, date(2026, 12, 9)),
        ("ASAP", DEC, date(2026, 12, 9)),
        ("as soon as possible", DEC, date(2026, 12, 9)),
        ("snarast", date(2026, 12, 11), date(2026, 12, 14)),  # Friday: Monday
        ("snarast", date(2026, 12, 23), date(2026, 12, 28)),  # across Christmas
    ],
)
def test_as_soon_as_possible_is_the_next_working_day(
    text: str, today: date, expected: date
) -> None:
    assert on(text, today) == expected


# --- refusals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "today", "kind", "year"),
    [
        ("5 mars", JUNE, "day", 2028),
        ("5/3", JUNE, "day", 2028),
        ("5.3", JUNE, "day", 2028),
        ("den 5 mars", JUNE, "day", 2028),
        ("March 5", JUNE, "day", 2028),
        ("1 juli", DEC, "day", 2027),
        ("i oktober", DEC, "month", 2027),
        ("i juni", DEC, "month", 2027),
        ("in October", DEC, "month", 2027),
        ("i slutet av januari", JUNE, "end", 2028),
        ("end of January", JUNE, "end", 2028),
        ("i mitten av mars", JUNE, "mid", 2028),
        ("mid-March", JUNE, "mid", 2028),
        ("i början av april", JUNE, "start", 2028),
        ("sista mars", JUNE, "last", 2028),
        ("i början av december", DEC, "start", 2027),
    ],
)
def test_passed_within_six_months_asks_for_the_year(
    text: str, today: date, kind: str, year: int
) -> None:
    error = refusal(text, today)
    assert error.code == "ask_year"
    assert error.period is not None and error.period.kind == kind
    assert error.year == year


def test_older_than_six_months_means_next_year() -> None:
    assert on("5 mars", date(2027, 9, 10)) == date(2028, 3, 5)
    assert on("i mars", date(2027, 10, 5)) == date(2028, 3, 31)
    assert on("22/5", DEC) == date(2027, 5, 22)


@pytest.mark.parametrize(
    ("text", "today", "actual", "weekday"),
    [
        ("mån 15 dec", DEC, date(2026, 12, 15), 0),
        ("måndag 16 mars 2027", DEC, date(2027, 3, 16), 0),
        ("mån 16 mars 2027", DEC, date(2027, 3, 16), 0),
        ("fre 28 nov 2026", TODAY, date(2026, 11, 28), 4),
        ("Monday 15 December", DEC, date(2026, 12, 15), 0),
        ("fredag den 15:e", DEC, date(2026, 12, 15), 4),
    ],
)
def test_weekday_that_does_not_match_is_refused(
    text: str, today: date, actual: date, weekday: int
) -> None:
    error = refusal(text, today)
    assert (error.code, error.actual, error.weekday) == ("weekday_mismatch", actual, weekday)


@pytest.mark.parametrize(
    ("period", "year", "lang", "words"),
    [
        (Period("day", 3, 5), 2028, "sv", "5 mars 2028"),
        (Period("month", 10), 2027, "sv", "oktober 2027"),
        (Period("end", 1), 2028, "sv", "slutet av januari 2028"),
        (Period("mid", 3), 2028, "sv", "mitten av mars 2028"),
        (Period("start", 4), 2028, "sv", "början av april 2028"),
        (Period("last", 3), 2028, "sv", "sista mars 2028"),
        (Period("day", 3, 5), 2028, "en", "5 March 2028"),
        (Period("month", 10), 2027, "en", "October 2027"),
        (Period("end", 1), 2028, "en", "end of January 2028"),
        (Period("mid", 3), 2028, "en", "mid-March 2028"),
        (Period("start", 4), 2028, "en", "beginning of April 2028"),
        (Period("last", 3), 2028, "en", "last day of March 2028"),
    ],
)
def test_suggested_year_reads_back(period: Period, year: int, lang: str, words: str) -> None:
    assert describe_period(period, year, lang) == words
    # What the question suggests is what the user can type, after a keyword or at the end.
    expected = on(words, date(year - 1, 12, 31))
    assert expected.year == year and expected.month == period.month
    assert extract_due(f"Rapport {words}", today=JUNE) == ("Rapport", expected)


# --- due keywords ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Skicka underlag senast 15/1", ("Skicka underlag", date(2027, 1, 15))),
        ("Skicka underlag senast 15.1", ("Skicka underlag", date(2027, 1, 15))),
        ("Skicka underlag t.o.m. 15/1", ("Skicka underlag", date(2027, 1, 15))),
        ("Skicka underlag T.o.m. 15/1", ("Skicka underlag", date(2027, 1, 15))),
        ("Skicka underlag till och med 15.1", ("Skicka underlag", date(2027, 1, 15))),
        ("Skicka underlag tom 15/1", ("Skicka underlag", date(2027, 1, 15))),
        ("Skicka underlag tom 2027-01-15", ("Skicka underlag", date(2027, 1, 15))),
        ("Send the papers due 15/1", ("Send the papers", date(2027, 1, 15))),
        ("Send the papers by 15/1", ("Send the papers", date(2027, 1, 15))),
        ("Send the papers by end of January", ("Send the papers", date(2027, 1, 29))),
        ("Send the papers by Christmas", ("Send the papers", date(2026, 12, 23))),
        ("Ring Tom fredag", ("Ring Tom", date(2026, 12, 11))),
        ("Ring Tom", ("Ring Tom", None)),
        ("Ring tom fredag", ("Ring tom", date(2026, 12, 11))),
        ("Ta upp under punkt 3.1", ("Ta upp under punkt 3.1", None)),
        ("Ta upp punkt 15/1", ("Ta upp punkt 15/1", None)),
        ("Ta upp under punkt 3.1 senast 3.1", ("Ta upp under punkt 3.1", date(2027, 1, 3))),
        ("Flytta 3.1 till 3.2", ("Flytta 3.1 till 3.2", None)),
        ("Meddela senast nytt om budgeten", ("Meddela senast nytt om budgeten", None)),
        ("Meddela senast i styrgruppen", ("Meddela senast i styrgruppen", None)),
        (
            "Meddela senast nytt om budgeten senast fredag",
            ("Meddela senast nytt om budgeten", date(2026, 12, 11)),
        ),
        ("Ring Anna fredag", ("Ring Anna", date(2026, 12, 11))),
        ("Ring Anna imorgon", ("Ring Anna", date(2026, 12, 9))),
        ("Ring Anna 15 dec", ("Ring Anna", date(2026, 12, 15))),
        ("Ring Anna 2027-03-05", ("Ring Anna", date(2027, 3, 5))),
        ("Skicka protokoll om två veckor", ("Skicka protokoll", date(2026, 12, 22))),
        ("Skicka protokoll senast om två veckor", ("Skicka protokoll", date(2026, 12, 22))),
        ("Skicka julkort innan jul", ("Skicka julkort", date(2026, 12, 23))),
        ("Skicka julkort senast innan jul", ("Skicka julkort", date(2026, 12, 23))),
        ("Rapport i slutet av januari", ("Rapport", date(2027, 1, 29))),
        ("Rapport senast i mitten av mars", ("Rapport", date(2027, 3, 15))),
        ("Rapport i maj", ("Rapport", date(2027, 5, 31))),
        ("Rapport senast maj", ("Rapport", date(2027, 5, 31))),
        ("Statistik för maj", ("Statistik för maj", None)),  # a bare month at the end is text
        ("Boka lokal den 15:e", ("Boka lokal", date(2026, 12, 15))),
        ("Boka lokal fredag nästa vecka", ("Boka lokal", date(2026, 12, 18))),
        ("Boka lokal tisdag v. 3", ("Boka lokal", date(2027, 1, 19))),
        ("Boka lokal mån 14 dec", ("Boka lokal", date(2026, 12, 14))),
        ("Boka lokal i början av nästa vecka", ("Boka lokal", date(2026, 12, 14))),
        ("Läs handlingarna innan nästa möte", ("Läs handlingarna", date(2026, 12, 9))),
        ("Läs handlingarna till nästa KC-möte", ("Läs handlingarna", KC_MEETING)),
        ("Read the papers before the next KC meeting", ("Read the papers", date(2027, 1, 13))),
        ("Planera nästa KC-möte", ("Planera nästa KC-möte", None)),
        ("Fixa det snarast", ("Fixa det", date(2026, 12, 9))),
        ("Fixa det senast snarast", ("Fixa det", date(2026, 12, 9))),
        ("Fix it ASAP", ("Fix it", date(2026, 12, 9))),
    ],
)
def test_due_keywords_and_endings(text: str, expected: tuple[str, date | None]) -> None:
    assert extract_due(text, today=DEC, next_meeting=MEETING, series_meeting=_series) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Rapport senast slutet av kvartalet", "unknown"),
        ("Rapport senast fredga", "unknown"),  # a typo of a date word is still a date
        ("Rapport senast 45/1", "invalid"),
        ("Rapport senast fredag @anna", "unknown"),
        ("Rapport senast i oktober", "ask_year"),
        ("Rapport i oktober", "ask_year"),
        ("Rapport 1 juli", "ask_year"),
        ("Rapport mån 15 dec", "weekday_mismatch"),
        ("Rapport senast mån 15 dec", "weekday_mismatch"),
        ("Boka lokal till nästa styrgruppsmöte", "no_series_meeting"),
    ],
)
def test_due_refusals(text: str, code: str) -> None:
    with pytest.raises(DateError) as info:
        extract_due(text, today=DEC, next_meeting=MEETING, series_meeting=_series)
    assert info.value.code == code


def test_a_holiday_named_at_the_end_without_before_is_text() -> None:
    assert extract_due("Lyft frågan om påsk", today=DEC) == ("Lyft frågan om påsk", None)
    assert extract_due("Lyft frågan senast påsk", today=DEC) == ("Lyft frågan", date(2027, 3, 25))
    assert extract_due("Planera före påsk", today=DEC) == ("Planera", date(2027, 3, 25))
    assert extract_due("Due diligence report", today=DEC) == ("Due diligence report", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("innan mötet", date(2026, 12, 9)),
        ("till mötet", MEETING),
        ("till KC-mötet", KC_MEETING),
        ("innan KC-mötet", date(2027, 1, 13)),
        ("before the meeting", date(2026, 12, 9)),
        ("by the KC meeting", KC_MEETING),
        ("om ett halvår", date(2027, 6, 8)),
        ("mitt i mars", date(2027, 3, 15)),
    ],
)
def test_more_everyday_forms(text: str, expected: date) -> None:
    assert on(text, DEC) == expected


def test_the_meeting_at_the_end_without_a_meeting_is_text() -> None:
    assert extract_due("Skicka inbjudan till mötet", today=DEC) == (
        "Skicka inbjudan till mötet",
        None,
    )
    assert extract_due("Läs handlingarna innan mötet", today=DEC, next_meeting=MEETING) == (
        "Läs handlingarna",
        date(2026, 12, 9),
    )
    with pytest.raises(DateError) as info:
        extract_due("Skicka inbjudan senast till mötet", today=DEC)
    assert info.value.code == "no_next_meeting"
