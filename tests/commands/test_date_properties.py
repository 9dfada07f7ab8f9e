"""Property tests of the date reader over the kinds Swedes write (issue 14).

For every kind: no phrase raises anything but DateError, and every accepted phrase's
echo (the weekday and date the bot replies with) reads back as the same date.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from bot.console.adapter import run_line
from commands.dates import DateError, extract_due, format_date, format_date_long, parse_date
from storage import backup
from storage.db import make_engine, transaction
from storage.migrate import upgrade

TODAYS = st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31))
MEETING = date(2027, 1, 14)

SV = Locale.parse("sv")
EN = Locale.parse("en")
MONTHS = st.sampled_from(
    [str(SV.months["format"]["wide"][m]) for m in range(1, 13)]
    + [str(EN.months["format"]["wide"][m]) for m in range(1, 13)]
    + ["jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec"]
)
WEEKDAYS = st.sampled_from(
    [str(SV.days["format"]["wide"][d]) for d in range(7)]
    + [str(EN.days["format"]["wide"][d]) for d in range(7)]
    + ["mån", "tis", "ons", "tors", "fre", "lör", "sön", "Mon", "Fri"]
)
NUMBERS = st.one_of(
    st.integers(min_value=1, max_value=40).map(str),
    st.sampled_from(
        [
            *("en", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio"),
            *("elva", "tolv", "ett par", "a", "one", "two", "three", "ten", "twelve"),
            "a couple of",
        ]
    ),
)
UNITS = st.sampled_from(
    [
        *("dag", "dagar", "vecka", "veckor", "månad", "månader", "år", "arbetsdagar"),
        *("day", "days", "week", "weeks", "month", "months", "year", "working days"),
    ]
)
YEARS = st.one_of(st.just(""), st.integers(min_value=2001, max_value=2099).map(lambda y: f" {y}"))
DAYS = st.integers(min_value=0, max_value=33)

relative = st.builds(
    lambda lead, n, unit: f"{lead} {n} {unit}",
    st.sampled_from(["om", "inom", "in", "within", "Om"]),
    NUMBERS,
    UNITS,
)
month_parts = st.one_of(
    st.builds(
        lambda lead, part, prep, month, year: f"{lead}{part} {prep} {month}{year}",
        st.sampled_from(["", "i ", "the "]),
        st.sampled_from(["början", "mitten", "slutet", "beginning", "middle", "end", "start"]),
        st.sampled_from(["av", "på", "of"]),
        st.one_of(MONTHS, st.sampled_from(["månaden", "nästa månad", "the month", "året"])),
        YEARS,
    ),
    st.builds(
        lambda part, month, year: f"{part}{month}{year}",
        st.sampled_from(["mid-", "mid ", "early ", "late "]),
        MONTHS,
        YEARS,
    ),
    st.builds(
        lambda lead, month, year: f"{lead}{month}{year}",
        st.sampled_from(["i ", "in ", "under ", "sista ", "den sista ", "last day of "]),
        MONTHS,
        YEARS,
    ),
)
holidays = st.builds(
    lambda rel, day, year: f"{rel}{day}{year}",
    st.sampled_from(["", "innan ", "före ", "till ", "efter ", "before ", "after ", "inför "]),
    st.sampled_from(
        [
            *("jul", "påsk", "midsommar", "nyår", "julafton", "nyårsafton", "midsommarafton"),
            *("Christmas", "Easter", "midsummer", "Christmas Eve", "New Year's Eve"),
            *("juldagen", "långfredagen", "Good Friday", "nationaldagen", "pingst"),
            "första maj",
        ]
    ),
    YEARS,
)
day_forms = st.one_of(
    st.builds(lambda d: f"den {d}:e", DAYS),
    st.builds(lambda d: f"the {d}th", DAYS),
    st.builds(
        lambda d, m, sep, y: f"{d}{sep}{m}{y}",
        DAYS,
        st.integers(0, 14),
        st.sampled_from(["/", "."]),
        YEARS,
    ),
    st.builds(lambda d, m, y: f"{d}/{m}-{y:02d}", DAYS, st.integers(0, 14), st.integers(0, 99)),
    st.builds(lambda w, d, m, y: f"{w} {d} {m}{y}", WEEKDAYS, DAYS, MONTHS, YEARS),
    st.builds(lambda w, n: f"{w} v. {n}", WEEKDAYS, st.integers(0, 54)),
    st.builds(lambda w: f"{w} nästa vecka", WEEKDAYS),
    st.builds(
        lambda lead, w: f"{lead} {w}", st.sampled_from(["nästa", "next", "på", "on"]), WEEKDAYS
    ),
    WEEKDAYS,
    st.sampled_from(
        [
            *("i början av nästa vecka", "i slutet av veckan", "i veckan", "end of next week"),
            *("snarast", "ASAP", "imorgon", "idag", "nästa vecka"),
        ]
    ),
)
meetings = st.builds(
    lambda lead, name: f"{lead}nästa {name}",
    st.sampled_from(["", "till ", "innan ", "före ", "by the ", "before the "]),
    st.sampled_from(["möte", "KC-möte", "URR-möte", "styrgruppsmöte", "kc möte"]),
)
PHRASES = st.one_of(relative, month_parts, holidays, day_forms, meetings)


def _series(name: str) -> date | None:
    return MEETING if name == "kc" else None


def _read(text: str, today: date, next_meeting: date | None) -> date:
    return parse_date(text, today=today, next_meeting=next_meeting, series_meeting=_series)


@settings(max_examples=600, deadline=None)
@given(PHRASES, TODAYS, st.one_of(st.none(), st.just(MEETING)), st.sampled_from(["sv", "en"]))
def test_every_accepted_phrase_echoes_back_to_the_same_date(
    phrase: str, today: date, next_meeting: date | None, lang: str
) -> None:
    try:
        result = _read(phrase, today, next_meeting)
    except DateError:
        return
    assert isinstance(result, date)
    assert _read(format_date(result, lang), today, None) == result
    assert _read(format_date_long(result, lang), today, None) == result


@settings(max_examples=400, deadline=None)
@given(
    PHRASES,
    TODAYS,
    st.sampled_from(["senast", "t.o.m.", "till och med", "due", "by", "Senast"]),
    st.sampled_from(["sv", "en"]),
)
def test_a_keyword_and_any_phrase_never_leave_the_keyword(
    phrase: str, today: date, keyword: str, lang: str
) -> None:
    try:
        rest, due = extract_due(
            f"Skicka underlag {keyword} {phrase}",
            today=today,
            next_meeting=MEETING,
            series_meeting=_series,
        )
    except DateError:
        return
    if due is None:
        return
    assert rest == "Skicka underlag"
    assert due == _read(phrase, today, MEETING)
    assert _read(format_date(due, lang), today, None) == due


@settings(max_examples=300, deadline=None)
@given(PHRASES, TODAYS, st.text(max_size=12))
def test_phrases_with_junk_only_raise_date_error(phrase: str, today: date, junk: str) -> None:
    for text in (f"{junk} {phrase}", f"{phrase} {junk}", f"Ring {junk} senast {phrase}"):
        with contextlib.suppress(DateError):
            extract_due(text, today=today, next_meeting=None, series_meeting=_series)
        with contextlib.suppress(DateError):
            _read(text, today, None)


@settings(max_examples=300, deadline=None)
@given(TODAYS, st.sampled_from(["sv", "en"]))
def test_an_echo_at_the_end_of_an_action_is_its_date(today: date, lang: str) -> None:
    # What the bot echoes can be pasted back, after a keyword or at the end.
    day = today.replace(day=min(today.day, 28))
    assert extract_due(f"Rapport senast {format_date(day, lang)}", today=today)[1] == day
    assert extract_due(f"Rapport {format_date_long(day, lang)}", today=today)[1] == day


# --- through the console: what the reply says is what is stored ---------------------

CONSOLE_NOW = datetime(2026, 12, 8, 8, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
ECHO_RE = re.compile(r"(?:senast|due) (\S+ \d{1,2} \S+ \d{4})")


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database with a KC-möte and a URR meeting planned."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('dates') / 'motesbot.db'}")
    upgrade(engine)
    for line in (
        "/meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset",
        "/meeting new URR 2027-01-20 09:00-12:00 Rådhuset",
    ):
        reply = run_line(engine, line, user="Sekreterare", channel="kc", now=CONSOLE_NOW)
        assert reply is not None and not reply.error
    yield engine
    engine.dispose()


def _dues(engine: Engine) -> dict[int, str | None]:
    with transaction(engine) as session:
        data = backup.export_data(session, exported_at=datetime(2027, 1, 1, tzinfo=UTC))
    return {a["number"]: a["due_date"] for a in data["workspaces"][0]["actions"]}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(phrase=PHRASES, lang=st.sampled_from(["sv", "en"]))
def test_the_echo_is_what_is_stored(planned: Engine, phrase: str, lang: str) -> None:
    before = _dues(planned)
    reply = run_line(
        planned,
        f"/action add Uppgift senast {phrase}",
        user="Sekreterare",
        channel="kc",
        now=CONSOLE_NOW,
        lang=lang,
    )
    assert reply is not None and reply.as_text().strip()
    after = _dues(planned)
    if reply.error:
        assert after == before
        return
    (number,) = set(after) - set(before)
    if after[number] is None:  # the words after "senast" were no date at all: text
        return
    echo = ECHO_RE.search(reply.as_text())
    assert echo is not None, reply.as_text()
    assert parse_date(echo.group(1), today=CONSOLE_NOW.date()).isoformat() == after[number]
