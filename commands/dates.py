"""Date and time reading for the Mötesbot command language.

Everything here is pure: the current day is always passed in as ``today`` and
the clock is never read; the next meeting of a series is asked through a
callable the handler passes in. Month and weekday names come from Babel's
locale data for Swedish and English, holidays from the ``holidays`` calendar
(via :mod:`commands.workdays`), so no date is written by hand here.

Supported date expressions (case-insensitive, Swedish and English):

* ISO dates: ``2026-12-05``.
* Relative days: ``idag``, ``imorgon``, ``i övermorgon`` / ``today``, ``tomorrow``;
  ``snarast`` / ``ASAP``: the next working day.
* Relative spans: ``om två veckor``, ``om 5 dagar``, ``om en månad``, ``inom en vecka``,
  ``om 3 arbetsdagar`` / ``in two weeks``, ``within 5 days``, ``a week from today``
  (number words up to twelve or digits; calendar arithmetic, working days for
  ``arbetsdagar``).
* Weekdays: ``fredag``, ``på fredag``, ``Friday``: the coming one (strictly after
  today); ``nästa fredag``, ``fredag nästa vecka``, ``next Friday``: the Friday of
  next week; ``tisdag v. 3``: that day of ISO week 3.
* Weeks: ``nästa vecka`` (its Friday: a due date is the end of it), ``i början/mitten/slutet av nästa vecka``
  (Monday/Wednesday/Friday), ``i slutet av veckan``, ``i veckan`` (this Friday),
  ``v. 42`` (its Friday).
* Parts of a month: ``i början av april`` (first working day), ``i mitten av mars``
  (the 15th, or the working day before), ``i slutet av januari``, ``i oktober``
  (last working day), ``sista mars`` (the last day), ``i slutet av månaden``,
  ``i början av nästa månad`` / ``beginning of April``, ``mid-March``,
  ``end of January``, ``in October``, ``last day of March``.
* Holidays: ``innan jul``/``före påsk``/``före midsommar``/``innan nyår`` (the last
  working day before julafton, långfredagen, midsommarafton, nyårsafton),
  ``efter jul`` (the first working day after the holiday), named days such as
  ``julafton``, ``nyårsafton``, ``midsommarafton`` / ``before Christmas``,
  ``Christmas Eve``, ``New Year's Eve``, ``after Easter``. This year's, or next
  year's once it has passed.
* Day forms: ``den 15:e`` (the next 15th), ``6/11``, ``6/11-26``, ``15.1``,
  ``6 nov``, ``6 november 2026``, ``November 6``, ``mån 15 dec`` (the weekday must agree).
* The next meeting: ``till nästa möte``, ``innan nästa möte`` (the working day
  before it), ``till nästa KC-möte`` (any series by name) / ``by the next meeting``,
  ``before the next KC meeting``.

A day and month (or a month) without a year means this year's unless it passed
within the last six months: then :class:`DateError` ``"ask_year"`` asks for the
year; older ones mean next year's. A leading ``den``/``på``/``till``/``i``/``on``/
``by``/``in``/``the`` is ignored.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_format_date
from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta

from commands import workdays

__all__ = [
    "DateError",
    "MeetingLookup",
    "Period",
    "describe_period",
    "extract_due",
    "format_date",
    "format_date_long",
    "format_day_month_year",
    "parse_date",
    "parse_time",
    "parse_time_span",
    "weekday_name",
]

_LANGS: Final = ("sv", "en")

MeetingLookup = Callable[[str], date | None]
"""Looks up the date of a series' next planned meeting by the name the user typed."""


@dataclass(frozen=True)
class Period:
    """What a date without a year referred to, to ask which year was meant.

    Attributes:
        kind: ``"day"`` (5 mars), ``"month"`` (i oktober), ``"start"``, ``"mid"``,
            ``"end"`` (början/mitten/slutet av …) or ``"last"`` (sista mars).
        month: The month, 1-12.
        day: The day of the month for ``"day"``, else None.
    """

    kind: str
    month: int
    day: int | None = None


class DateError(ValueError):
    """A date the user wrote that cannot be used.

    Attributes:
        code: ``"invalid"`` when the text looks like a date that does not exist
            (``31 februari``, ``2026-02-30``, ``v. 60``); ``"unknown"`` when it
            is not a date at all; ``"no_next_meeting"`` when the next meeting was
            asked for but none is known; ``"no_series_meeting"`` when a named
            series has no planned meeting; ``"ask_year"`` when a date without a
            year passed within the last six months (``period`` and ``year`` say
            what to suggest); ``"no_leap_day"`` for 29 February without a year when
            the coming February has 28 days (``year``); ``"weekday_mismatch"`` when the weekday written
            does not match the date (``actual`` and ``weekday``).
        text: The offending text as the user wrote it.
        period: For ``"ask_year"``: what the text referred to.
        year: For ``"ask_year"``: the year to suggest.
        actual: For ``"weekday_mismatch"``: the date written.
        weekday: For ``"weekday_mismatch"``: the weekday written (0 = Monday).
    """

    code: str
    text: str
    period: Period | None
    year: int | None
    actual: date | None
    weekday: int | None

    def __init__(
        self,
        code: str,
        text: str,
        *,
        period: Period | None = None,
        year: int | None = None,
        actual: date | None = None,
        weekday: int | None = None,
    ) -> None:
        """Create the error.

        Args:
            code: One of the codes listed on the class.
            text: The offending text as the user wrote it.
            period: For ``"ask_year"``: what the text referred to.
            year: For ``"ask_year"``: the year to suggest.
            actual: For ``"weekday_mismatch"``: the date written.
            weekday: For ``"weekday_mismatch"``: the weekday written.
        """
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.text = text
        self.period = period
        self.year = year
        self.actual = actual
        self.weekday = weekday


# --------------------------------------------------------------------------
# Locale tables (built once from Babel)
# --------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    return name.casefold().strip().rstrip(".")


def _build_month_table() -> dict[str, int]:
    """Map month names, abbreviations and 3+ letter prefixes to month numbers."""
    table: dict[str, int] = {}
    ambiguous: set[str] = set()

    def add(key: str, month: int) -> None:
        if not key:
            return
        if table.get(key, month) != month:
            ambiguous.add(key)
        table[key] = month

    for lang in _LANGS:
        loc = Locale.parse(lang)
        wide = loc.months["format"]["wide"]
        abbreviated = loc.months["format"]["abbreviated"]
        for month in range(1, 13):
            full = _clean_name(str(wide[month]))
            add(full, month)
            add(_clean_name(str(abbreviated[month])), month)
            for end in range(3, len(full)):
                add(full[:end], month)
    for key in ambiguous:
        del table[key]
    return table


def _build_weekday_table() -> dict[str, int]:
    """Map full and abbreviated weekday names to ``date.weekday()`` numbers.

    Prefixes are deliberately not accepted: "Tor" and "Fred" are names.
    """
    table: dict[str, int] = {}
    for lang in _LANGS:
        loc = Locale.parse(lang)
        for width in ("wide", "abbreviated"):
            names = loc.days["format"][width]
            for day in range(7):  # Babel: 0 = Monday, like date.weekday()
                table[_clean_name(str(names[day]))] = day
    return table


_MONTHS: Final = _build_month_table()
_WEEKDAYS: Final = _build_weekday_table()
# "jul" alone is Christmas to a Swede ("innan jul"), so it names July only with a day.
_MONTH_ALONE_EXCLUDED: Final = frozenset({"jul"})

_TODAY_WORDS: Final = frozenset({"idag", "i dag", "today"})
# Never a due date, but a date all the same: "senast igår" is refused as passed.
_YESTERDAY_WORDS: Final = frozenset({"igår", "i går", "yesterday"})
_TOMORROW_WORDS: Final = frozenset({"imorgon", "i morgon", "imorn", "i morn", "tomorrow"})
_DAY_AFTER_WORDS: Final = frozenset(
    {"övermorgon", "i övermorgon", "the day after tomorrow", "day after tomorrow"}
)
_SOON_WORDS: Final = frozenset(
    {
        "snarast",
        "snarast möjligt",
        "så snart som möjligt",
        "så fort som möjligt",
        "så snart det går",
        "asap",
        "a.s.a.p",
        "as soon as possible",
    }
)
_NEXT_WEEK_WORDS: Final = frozenset({"nästa vecka", "till veckan", "next week"})
_THIS_WEEK_WORDS: Final = frozenset(
    {"denna vecka", "den här veckan", "i veckan", "veckan", "this week", "the week", "week"}
)
_THIS_MONTH_WORDS: Final = frozenset(
    {"månaden", "denna månad", "den här månaden", "this month", "the month", "month"}
)
_NEXT_MONTH_WORDS: Final = frozenset({"nästa månad", "next month"})
_THIS_YEAR_WORDS: Final = frozenset({"året", "i år", "detta år", "this year", "the year", "year"})
_NEXT_YEAR_WORDS: Final = frozenset({"nästa år", "next year"})
_FILLER_WORDS: Final = frozenset(
    {"den", "på", "on", "till", "by", "i", "in", "the", "under", "during", "until", "tills"}
)
_NEXT_WORDS: Final = frozenset({"nästa", "next"})
_COMING_WORDS: Final = frozenset({"kommande", "coming", "this"})

_NUMBER_WORDS: Final = {
    "en": 1,
    "ett": 1,
    "två": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "åtta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
    "ett par": 2,
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
}
_UNITS: Final = {
    "dag": "days",
    "dagar": "days",
    "dygn": "days",
    "day": "days",
    "days": "days",
    "vecka": "weeks",
    "veckor": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "månad": "months",
    "månader": "months",
    "month": "months",
    "months": "months",
    "år": "years",
    "halvår": "halfyears",
    "year": "years",
    "years": "years",
    "arbetsdag": "workdays",
    "arbetsdagar": "workdays",
    "working day": "workdays",
    "working days": "workdays",
    "business day": "workdays",
    "business days": "workdays",
    "workday": "workdays",
    "workdays": "workdays",
}
_PARTS: Final = {
    "början": "start",
    "mitten": "mid",
    "slutet": "end",
    "beginning": "start",
    "start": "start",
    "middle": "mid",
    "end": "end",
    "early": "start",
    "mid": "mid",
    "late": "end",
    "mitt i": "mid",
}

# Holiday periods: (first day, last day) by the calendar's Swedish names.
_PERIODS: Final = {
    "jul": ("julafton", "annandag jul"),
    "julen": ("julafton", "annandag jul"),
    "julhelgen": ("julafton", "annandag jul"),
    "christmas": ("julafton", "annandag jul"),
    "xmas": ("julafton", "annandag jul"),
    "påsk": ("långfredagen", "annandag påsk"),
    "påsken": ("långfredagen", "annandag påsk"),
    "påskhelgen": ("långfredagen", "annandag påsk"),
    "easter": ("långfredagen", "annandag påsk"),
    "midsommar": ("midsommarafton", "midsommardagen"),
    "midsommaren": ("midsommarafton", "midsommardagen"),
    "midsommarhelgen": ("midsommarafton", "midsommardagen"),
    "midsummer": ("midsommarafton", "midsommardagen"),
    "nyår": ("nyårsafton", "nyårsdagen"),
    "nyåret": ("nyårsafton", "nyårsdagen"),
    "new year": ("nyårsafton", "nyårsdagen"),
    "the new year": ("nyårsafton", "nyårsdagen"),
}
# Single named days, by the calendar's Swedish names.
_NAMED_DAYS: Final = {
    "julafton": "julafton",
    "christmas eve": "julafton",
    "juldagen": "juldagen",
    "juldag": "juldagen",
    "christmas day": "juldagen",
    "annandag jul": "annandag jul",
    "annandagen": "annandag jul",
    "boxing day": "annandag jul",
    "nyårsafton": "nyårsafton",
    "new year's eve": "nyårsafton",
    "new years eve": "nyårsafton",
    "nyårsdagen": "nyårsdagen",
    "new year's day": "nyårsdagen",
    "new years day": "nyårsdagen",
    "trettondedag jul": "trettondedag jul",
    "trettondagen": "trettondedag jul",
    "trettondag jul": "trettondedag jul",
    "epiphany": "trettondedag jul",
    "långfredag": "långfredagen",
    "långfredagen": "långfredagen",
    "good friday": "långfredagen",
    "påskdagen": "påskdagen",
    "påskdag": "påskdagen",
    "easter sunday": "påskdagen",
    "easter day": "påskdagen",
    "annandag påsk": "annandag påsk",
    "easter monday": "annandag påsk",
    "första maj": "första maj",
    "may day": "första maj",
    "kristi himmelsfärdsdag": "kristi himmelsfärdsdag",
    "kristi himmelsfärd": "kristi himmelsfärdsdag",
    "ascension day": "kristi himmelsfärdsdag",
    "pingstdagen": "pingstdagen",
    "pingst": "pingstdagen",
    "whit sunday": "pingstdagen",
    "pentecost": "pingstdagen",
    "nationaldagen": "nationaldagen",
    "sveriges nationaldag": "nationaldagen",
    "national day": "nationaldagen",
    "midsommarafton": "midsommarafton",
    "midsummer eve": "midsommarafton",
    "midsommardagen": "midsommardagen",
    "midsummer day": "midsommardagen",
    "alla helgons dag": "alla helgons dag",
    "all saints' day": "alla helgons dag",
    "all saints day": "alla helgons dag",
}
_BEFORE_WORDS: Final = frozenset(
    {"innan", "före", "inför", "before", "prior to", "ahead of", "just before"}
)
_AFTER_WORDS: Final = frozenset({"efter", "after"})
_UNTIL_WORDS: Final = frozenset({"till", "until", "tills", "by"})

_ISO_RE: Final = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_ISO_STRICT_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NUMERIC_RE: Final = re.compile(r"(\d{1,2})/(\d{1,2})(?:[/\- ](\d{4}|\d{2}))?", re.ASCII)
_DOTTED_RE: Final = re.compile(r"(\d{1,2})\.(\d{1,2})(?:[. ](\d{4}|\d{2}))?", re.ASCII)
_WEEK_RE: Final = re.compile(
    r"(?:(?P<wd>\S+) (?:(?:i|på|of|on) )?)?(?:v\.?|vecka|week|wk|w) ?(?P<n>\d{1,3})"
    r"(?: (?P<y>\d{4}))?"
)
_DAY_TOKEN_RE: Final = re.compile(r"(\d{1,2})(?::e|:a|e|a|st|nd|rd|th|\.)?", re.ASCII)
_DAY_ONLY_RE: Final = re.compile(
    r"(?:(?:den|the) (?P<a>\d{1,2})(?::?e|:?a|st|nd|rd|th|\.)?)"
    r"|(?P<b>\d{1,2})(?::e|:a|st|nd|rd|th)"
)
_YEAR_TOKEN_RE: Final = re.compile(r"\d{4}", re.ASCII)
# "innan mötet", "till KC-mötet", "before the meeting": the next one, as with "nästa".
_MEETING_DEFINITE_RE: Final = re.compile(
    r"(?P<pre>till|innan|före|inför|by|before|until|prior to|ahead of) "
    r"(?:(?:(?P<name>\S+?)[ -]?)?mötet|the (?:(?P<name2>\S+) )?meeting)"
)
_MEETING_RE: Final = re.compile(
    r"(?:(?P<pre>till|innan|före|inför|by|before|until|prior to|ahead of) )?(?:the )?"
    r"(?:nästa|next) (?:(?P<name>\S.*?)[ -]?)?"
    r"(?:möte|mötet|meeting|sammanträde|sammanträdet)"
)
_RELATIVE_RE: Final = re.compile(
    r"(?P<n2>a couple of|\S+) (?P<u2>.+?) from (?:now|today)"
    # "senast 2 veckor" is said for "inom 2 veckor" too (after a keyword only).
    r"|(?:(?P<pre>om|inom|in|within) )?(?P<n>ett par|a couple of|\S+) (?P<u>.+?)(?:s tid| time)?"
)
_PART_RE: Final = re.compile(
    r"(?P<part>början|mitten|slutet|beginning|start|middle|end) (?:av|på|of) (?:the )?(?P<x>.+)"
    r"|(?P<part2>early|mid|late|mitt i)(?:-| )(?P<x2>.+)"
)
_LAST_DAY_RE: Final = re.compile(
    r"(?:sista|last) (?:(?P<kind>dagen|arbetsdagen|day|working day|business day) (?:i|av|på|of) )?"
    r"(?:the )?(?P<x>.+)"
)
_MONTH_YEAR_RE: Final = re.compile(r"(?P<m>\S+?)(?: (?P<y>\d{4}))?")
_HOLIDAY_RE: Final = re.compile(
    r"(?:(?P<rel>innan|före|inför|till|tills|until|by|efter|before|after|prior to|ahead of|"
    r"just before) )?(?P<h>.+?)(?: (?P<y>\d{4}))?"
)
_MAX_PHRASE: Final = 200


@dataclass(frozen=True)
class _Opts:
    today: date
    raw: str
    next_meeting: date | None
    series_meeting: MeetingLookup | None
    allow_meeting: bool
    # Numeric forms (15/1, 15.1) and a bare month are dates only where a date is
    # expected: after a due keyword, or as a command's whole date argument.
    explicit: bool
    # "till 15/12", "innan 15/12" at the end: a slashed date is one there (a dotted one,
    # "till 3.1", may be an agenda item).
    slashed: bool = False


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Case-fold, unify dashes and quotes, collapse whitespace, drop trailing punctuation."""
    text = text.casefold()
    for dash in "\u2010\u2011\u2012\u2013\u2014":
        text = text.replace(dash, "-")
    text = text.replace("\u2019", "'")
    return " ".join(text.split()).rstrip(".,;:!?").strip()


def _six_months_before(today: date) -> date:
    return today - relativedelta(months=6)


def _pick_year(
    build: Callable[[int], date | None], o: _Opts, period: Period, year: int | None
) -> date | None:
    """This year's date, next year's when older than six months, or ask for the year."""
    if year is not None:
        return build(year)
    today = o.today
    for candidate_year in range(today.year, today.year + 9):
        candidate = build(candidate_year)
        if candidate is None:  # 29 February in a common year
            if date(candidate_year, 3, 1) > today:
                # The coming February has no 29th: a slip, not a date four years on.
                raise DateError("no_leap_day", o.raw, year=candidate_year)
            continue
        if candidate >= today:
            return candidate
        if candidate >= _six_months_before(today):
            suggested = candidate_year + 1
            while build(suggested) is None:
                suggested += 1
            raise DateError("ask_year", o.raw, period=period, year=suggested)
    raise DateError("invalid", o.raw)


def _resolve_day_month(day: int, month: int, year: int | None, o: _Opts) -> date:
    """Build a date from day and month; with no year, see :func:`_pick_year`."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise DateError("invalid", o.raw)
    try:
        date(2000, month, day)  # leap year: does this day exist at all?
    except ValueError:
        raise DateError("invalid", o.raw) from None

    def build(candidate_year: int) -> date | None:
        try:
            return date(candidate_year, month, day)
        except ValueError:
            return None

    result = _pick_year(build, o, Period("day", month, day), year)
    if result is None:
        raise DateError("invalid", o.raw)
    return result


def _day_token(token: str) -> int | None:
    match = _DAY_TOKEN_RE.fullmatch(token)
    return int(match.group(1)) if match else None


def _month_token(token: str) -> int | None:
    return _MONTHS.get(token.rstrip(".,"))


def _weekday_token(token: str) -> int | None:
    return _WEEKDAYS.get(token.rstrip(".,"))


def _month_and_year(text: str) -> tuple[int, int | None] | None:
    match = _MONTH_YEAR_RE.fullmatch(text)
    if not match:
        return None
    month = _month_token(match.group("m"))
    if month is None:
        return None
    year_text = match.group("y")
    return month, int(year_text) if year_text else None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_day(kind: str, year: int, month: int) -> date:
    """The day a part of a month means: first/last working day, the 15th, the last day."""
    if kind == "start":
        return workdays.working_day_on_or_after(date(year, month, 1))
    if kind == "mid":
        return workdays.working_day_on_or_before(date(year, month, 15))
    if kind == "last":
        return _last_day(year, month)
    return workdays.working_day_on_or_before(_last_day(year, month))


def _next_weekday(weekday: int, today: date) -> date:
    """The next given weekday strictly after ``today``."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --------------------------------------------------------------------------
# Matchers: each returns None when the shape does not fit
# --------------------------------------------------------------------------


def _meeting(phrase: str, o: _Opts) -> date | None:
    match = _MEETING_RE.fullmatch(phrase)
    definite = match is None
    match = match or _MEETING_DEFINITE_RE.fullmatch(phrase)
    if not match or not o.allow_meeting:
        return None
    name = match.group("name") or match.groupdict().get("name2")
    if name is None:
        found = o.next_meeting
    else:
        found = o.series_meeting(name) if o.series_meeting is not None else None
    if found is None:
        # At the end of a text "Skicka inbjudan till mötet" may just be about a meeting.
        if definite and not o.explicit:
            return None
        raise DateError("no_next_meeting" if name is None else "no_series_meeting", o.raw)
    day = found
    if match.group("pre") in _BEFORE_WORDS:
        return workdays.add_working_days(day, -1)
    return day


def _fixed(phrase: str, o: _Opts) -> date | None:
    if phrase in _TODAY_WORDS:
        return o.today
    if phrase in _YESTERDAY_WORDS:
        return o.today - timedelta(days=1)
    if phrase in _TOMORROW_WORDS:
        return o.today + timedelta(days=1)
    if phrase in _DAY_AFTER_WORDS:
        return o.today + timedelta(days=2)
    if phrase in _SOON_WORDS:
        return workdays.add_working_days(o.today, 1)
    if phrase in _NEXT_WEEK_WORDS:
        # A due date: "senast nästa vecka" is done by the end of it, as "v. 51" is.
        return _week_day(4, "next", o.today)
    if phrase in _THIS_WEEK_WORDS - {"week", "the week", "veckan"}:
        return _week_day(4, "this", o.today)
    return None


def _week_day(weekday: int, which: str, today: date) -> date:
    """A weekday of this week (next week's once it has passed) or of next week."""
    this = _monday(today) + timedelta(days=weekday)
    if which == "next":
        return this + timedelta(weeks=1)
    return this if this >= today else this + timedelta(weeks=1)


def _week_number(phrase: str, o: _Opts) -> date | None:
    match = _WEEK_RE.fullmatch(phrase)
    if not match:
        return None
    weekday = 4
    if match.group("wd") is not None:
        found = _weekday_token(match.group("wd"))
        if found is None:
            return None
        weekday = found
    week = int(match.group("n"))
    year_text = match.group("y")
    if not 1 <= week <= 53:
        raise DateError("invalid", o.raw)
    try:
        if year_text is not None:
            return date.fromisocalendar(int(year_text), week, weekday + 1)
        iso_year = o.today.isocalendar().year
        if date.fromisocalendar(iso_year, week, 7) < o.today:
            iso_year += 1
        return date.fromisocalendar(iso_year, week, weekday + 1)
    except ValueError:
        raise DateError("invalid", o.raw) from None


def _weekday_forms(tokens: list[str], o: _Opts) -> date | None:
    count = len(tokens)
    if count == 1:
        weekday = _weekday_token(tokens[0])
        return None if weekday is None else _next_weekday(weekday, o.today)
    if count == 2 and tokens[0] in _NEXT_WORDS | _COMING_WORDS:
        weekday = _weekday_token(tokens[1])
        if weekday is None:
            return None
        if tokens[0] in _NEXT_WORDS:
            return _week_day(weekday, "next", o.today)
        return _next_weekday(weekday, o.today)
    weekday = _weekday_token(tokens[0])
    rest = " ".join(tokens[1:])
    if weekday is None:
        # "nästa vecka fredag"
        if count == 3 and " ".join(tokens[:2]) in _NEXT_WEEK_WORDS:
            last = _weekday_token(tokens[2])
            return None if last is None else _week_day(last, "next", o.today)
        return None
    rest = rest.removeprefix("i ").removeprefix("på ")
    if rest in _NEXT_WEEK_WORDS:
        return _week_day(weekday, "next", o.today)
    if rest in _THIS_WEEK_WORDS:
        return _monday(o.today) + timedelta(days=weekday)
    return None


def _relative(phrase: str, o: _Opts) -> date | None:
    match = _RELATIVE_RE.fullmatch(phrase)
    if not match:
        return None
    number_text = match.group("n") or match.group("n2")
    if match.group("n") and not match.group("pre") and not o.explicit:
        return None  # "Planera en konferens på 2 dagar" names no date
    unit = _UNITS.get(match.group("u") or match.group("u2") or "")
    if unit is None:
        return None
    if number_text.isdigit():
        number = int(number_text)
        if not 0 < number <= 999:
            return None
    elif number_text in _NUMBER_WORDS:
        number = _NUMBER_WORDS[number_text]
    else:
        return None
    if unit == "days":
        return o.today + timedelta(days=number)
    if unit == "weeks":
        return o.today + timedelta(weeks=number)
    if unit == "months":
        return o.today + relativedelta(months=number)
    if unit == "years":
        return o.today + relativedelta(years=number)
    if unit == "halfyears":
        return o.today + relativedelta(months=6 * number)
    return workdays.add_working_days(o.today, number)


def _holiday_day(name: str, year: int) -> date | None:
    if name == "nyårsdagen":  # the new year's first day belongs to the old year's nyår
        return workdays.holiday_date(name, year + 1)
    return workdays.holiday_date(name, year)


def _holiday(phrase: str, o: _Opts) -> date | None:
    match = _HOLIDAY_RE.fullmatch(phrase)
    if not match:
        return None
    rel = match.group("rel")
    word = match.group("h")
    year_text = match.group("y")
    period = _PERIODS.get(word)
    named = _NAMED_DAYS.get(word)
    if period is None and named is None:
        return None
    # "Lyft frågan om påsk" is about Easter; "senast påsk" and "innan påsk" are dates.
    if period is not None and rel is None and not o.explicit:
        return None

    def build(year: int) -> date | None:
        if period is not None:
            first, last = period
            if rel in _AFTER_WORDS:
                end = _holiday_day(last, year)
                return None if end is None else workdays.add_working_days(end, 1)
            begin = workdays.holiday_date(first, year)
            return None if begin is None else workdays.add_working_days(begin, -1)
        assert named is not None
        day = workdays.holiday_date(named, year)
        if day is None:
            return None
        if rel in _BEFORE_WORDS:
            return workdays.add_working_days(day, -1)
        if rel in _AFTER_WORDS:
            return workdays.add_working_days(day, 1)
        return day

    if year_text is not None:
        result = build(int(year_text))
        if result is None:
            raise DateError("invalid", o.raw)
        return result
    for year in range(o.today.year, o.today.year + 3):
        result = build(year)
        if result is not None and result >= o.today:
            return result
    raise DateError("invalid", o.raw)


def _month_relative(kind: str, x: str, o: _Opts) -> date | None:
    """Parts of "this month", "next month", "this year", "next year"."""
    today = o.today
    if x in _THIS_MONTH_WORDS or x in _NEXT_MONTH_WORDS:
        first = date(today.year, today.month, 1)
        if x in _NEXT_MONTH_WORDS:
            first += relativedelta(months=1)
        result = _month_day(kind, first.year, first.month)
        if result < today and x in _THIS_MONTH_WORDS:
            first += relativedelta(months=1)
            result = _month_day(kind, first.year, first.month)
        return result
    if (x in _THIS_YEAR_WORDS or x in _NEXT_YEAR_WORDS) and kind in ("start", "end"):
        year = today.year + (1 if x in _NEXT_YEAR_WORDS else 0)
        month = 1 if kind == "start" else 12
        result = _month_day(kind, year, month)
        if result < today and x in _THIS_YEAR_WORDS:
            result = _month_day(kind, year + 1, month)
        return result
    return None


def _month_period(kind: str, x: str, o: _Opts) -> date | None:
    """Parts of a named month, with or without a year."""
    found = _month_and_year(x)
    if found is None:
        return None
    month, year = found
    return _pick_year(lambda y: _month_day(kind, y, month), o, Period(kind, month), year)


def _month_part(phrase: str, o: _Opts) -> date | None:
    match = _PART_RE.fullmatch(phrase)
    if match:
        kind = _PARTS[match.group("part") or match.group("part2")]
        x = match.group("x") or match.group("x2")
        if x in _NEXT_WEEK_WORDS or x in _THIS_WEEK_WORDS:
            which = "next" if x in _NEXT_WEEK_WORDS else "this"
            return _week_day({"start": 0, "mid": 2, "end": 4}[kind], which, o.today)
        return _month_relative(kind, x, o) or _month_period(kind, x, o)
    match = _LAST_DAY_RE.fullmatch(phrase)
    if match:
        kind = (
            "end"
            if match.group("kind") in ("arbetsdagen", "working day", "business day")
            else "last"
        )
        x = match.group("x")
        return _month_relative(kind, x, o) or _month_period(kind, x, o)
    return None


def _month_alone(tokens: list[str], o: _Opts) -> date | None:
    """``i oktober`` (its last working day); bare ``oktober`` only where a date is expected."""
    prefixed = tokens[0] in ("i", "in", "under", "during")
    rest = tokens[1:] if prefixed else tokens
    if not rest or len(rest) > 2 or rest[0].rstrip(".") in _MONTH_ALONE_EXCLUDED:
        return None
    found = _month_and_year(" ".join(rest))
    if found is None:
        return None
    month, year = found
    if not (prefixed or o.explicit or year is not None):
        return None
    return _pick_year(lambda y: _month_day("month", y, month), o, Period("month", month), year)


def _day_only(phrase: str, o: _Opts) -> date | None:
    """``den 15:e``: the next 15th (today included)."""
    match = _DAY_ONLY_RE.fullmatch(phrase)
    if not match:
        return None
    day = int(match.group("a") or match.group("b"))
    if not 1 <= day <= 31:
        raise DateError("invalid", o.raw)
    first = date(o.today.year, o.today.month, 1)
    for months in range(13):
        month_start = first + relativedelta(months=months)
        if day <= calendar.monthrange(month_start.year, month_start.month)[1]:
            candidate = month_start.replace(day=day)
            if candidate >= o.today:
                return candidate
    return None  # pragma: no cover - every day 1-31 occurs within 13 months


def _textual(tokens: list[str], o: _Opts) -> date | None:
    """Read ``6 nov [2026]`` or ``nov 6 [2026]``; None if the shape does not match."""
    if len(tokens) not in (2, 3):
        return None
    year: int | None = None
    if len(tokens) == 3:
        if not _YEAR_TOKEN_RE.fullmatch(tokens[2]):
            return None
        year = int(tokens[2])
    first, second = tokens[0], tokens[1]
    day, month = _day_token(first), _month_token(second)
    if day is None or month is None:
        month, day = _month_token(first), _day_token(second)
    if day is None or month is None:
        return None
    return _resolve_day_month(day, month, year, o)


def _two_digit_year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + (2000 if len(text) == 2 else 0)


def _absolute(tokens: list[str], o: _Opts, *, numeric: bool) -> date | None:
    """Read an absolute calendar date (ISO, numeric if allowed, or textual)."""
    joined = " ".join(tokens)
    if _ISO_RE.fullmatch(joined):
        try:
            if _ISO_STRICT_RE.fullmatch(joined):
                return isoparse(joined).date()
            year, month, day = (int(part) for part in joined.split("-"))
            return date(year, month, day)
        except (ValueError, OverflowError):
            raise DateError("invalid", o.raw) from None
    if numeric or o.slashed:
        slashed = _NUMERIC_RE.fullmatch(joined)
        if slashed:
            day, month = int(slashed.group(1)), int(slashed.group(2))
            return _resolve_day_month(day, month, _two_digit_year(slashed.group(3)), o)
        dotted = _DOTTED_RE.fullmatch(joined) if numeric else None
        # "8.30" is a time, not the 8th of a 30th month.
        if dotted and 1 <= int(dotted.group(2)) <= 12 and 1 <= int(dotted.group(1)) <= 31:
            day, month = int(dotted.group(1)), int(dotted.group(2))
            return _resolve_day_month(day, month, _two_digit_year(dotted.group(3)), o)
    return _textual(tokens, o)


def _with_weekday(tokens: list[str], o: _Opts) -> date | None:
    """``fre 27 nov``, ``torsdag den 10 december``, ``mån 15/12``: the weekday must agree."""
    if len(tokens) < 2:
        return None
    weekday = _weekday_token(tokens[0])
    if weekday is None:
        return None
    rest = tokens[1:]
    result = _absolute(rest[1:] if rest[0] == "den" and len(rest) > 1 else rest, o, numeric=True)
    if result is None:
        result = _day_only(" ".join(rest), o)
    if result is None:
        return None
    if result.weekday() != weekday:
        raise DateError("weekday_mismatch", o.raw, actual=result, weekday=weekday)
    return result


def _match(tokens: list[str], o: _Opts) -> date | None:
    phrase = " ".join(tokens)
    for simple in (_meeting, _fixed, _week_number, _relative, _holiday, _month_part, _day_only):
        result = simple(phrase, o)
        if result is not None:
            return result
    return (
        _weekday_forms(tokens, o)
        or _absolute(tokens, o, numeric=o.explicit)
        or _with_weekday(tokens, o)
        or _month_alone(tokens, o)
    )


def _parse(text: str, o: _Opts) -> date:
    norm = _normalise(text)
    if not norm or len(norm) > _MAX_PHRASE:
        raise DateError("unknown", text)
    tokens = [token.strip(",") for token in norm.split(" ")]
    tokens = [token for token in tokens if token]
    # Filler words in front ("den 8/6", "på fredag", "till v. 42") are dropped one at
    # a time, after the whole phrase had its chance ("i dag", "till nästa möte").
    while tokens:
        result = _match(tokens, o)
        if result is not None:
            return result
        if len(tokens) > 1 and tokens[0] in _FILLER_WORDS:
            tokens = tokens[1:]
            continue
        break
    raise DateError("unknown", text)


def _parse_safely(text: str, o: _Opts) -> date:
    try:
        return _parse(text, o)
    except DateError:
        raise
    except (ValueError, OverflowError, TypeError, IndexError) as exc:
        # Defensive: e.g. date arithmetic past date.max for an extreme ``today``.
        raise DateError("unknown", text) from exc


def parse_date(
    text: str,
    *,
    today: date,
    next_meeting: date | None = None,
    series_meeting: MeetingLookup | None = None,
) -> date:
    """Read one date expression (the whole string).

    Args:
        text: What the user wrote, e.g. ``"fredag"``, ``"6/11"``, ``"om två veckor"``.
        today: The current date in the team's time zone.
        next_meeting: The date of the channel's next meeting, if any.
        series_meeting: Looks up the next meeting of a series named in the text
            (``"till nästa KC-möte"``); None when no lookup is possible.

    Returns:
        The date the text refers to. Dates before ``today`` are returned as
        written (e.g. ``2020-01-01``); rejecting them is the caller's job.

    Raises:
        DateError: see its codes. No other exception is raised for any string.
    """
    opts = _Opts(today, text, next_meeting, series_meeting, allow_meeting=True, explicit=True)
    return _parse_safely(text, opts)


# --------------------------------------------------------------------------
# extract_due
# --------------------------------------------------------------------------

_HARD_KEYWORDS: Final = frozenset({"senast", "due", "deadline", "slutdatum", "t.o.m.", "t.o.m"})
# English "by" also starts ordinary phrases ("Presentation by Anna"): it counts as a due
# keyword only when a date follows it.
_SOFT_KEYWORDS: Final = frozenset({"by"})
_MULTI_KEYWORDS: Final = (("till", "och", "med"), ("no", "later", "than"))
# Lowercase "tom" (t.o.m.) is a keyword only before a numeric date: "Ring Tom fredag".
_TOM: Final = "tom"
_ALL_KEYWORDS: Final = _HARD_KEYWORDS | _SOFT_KEYWORDS
_WORD_RE: Final = re.compile(r"\S+")
_MAX_TRAILING_WORDS: Final = 6
_DONE_WORDS: Final = frozenset({"klart", "klar", "färdigt", "färdig", "done"})
# Words that start a date ("på måndag") but also end a phrasal verb ("läs på").
_LOOSE_LEADS: Final = frozenset({"på", "i"})
_MEETING_LEADS: Final = frozenset(
    {"till", "innan", "före", "inför", "by", "before", "until", "prior", "ahead"}
)
_DATE_WORDS: Final = frozenset(
    {
        "idag",
        "igår",
        "yesterday",
        "imorgon",
        "morgon",
        "övermorgon",
        "today",
        "tomorrow",
        "vecka",
        "veckan",
        "veckor",
        "week",
        "weeks",
        "v",
        "v.",
        "dag",
        "dagar",
        "day",
        "days",
        "arbetsdagar",
        "månad",
        "månaden",
        "månader",
        "month",
        "months",
        "år",
        "året",
        "year",
        "slutet",
        "mitten",
        "början",
        "end",
        "mid",
        "beginning",
        "sista",
        "möte",
        "mötet",
        "meeting",
        "snarast",
        "asap",
        *(word for key in _PERIODS for word in key.split() if word != "the"),
        *(key.split()[0] for key in _NAMED_DAYS),
    }
)
_LEAD_FILLERS: Final = frozenset(
    {
        "den",
        "i",
        "på",
        "om",
        "inom",
        "till",
        "the",
        "on",
        "in",
        "by",
        "within",
        "innan",
        "före",
        "inför",
        "at",
        "of",
        "nästa",
        "next",
        "efter",
        "after",
        "before",
    }
)
_VOCABULARY: Final = sorted(_DATE_WORDS | set(_WEEKDAYS) | {k for k in _MONTHS if len(k) >= 4})


def _keyword_word(word: str) -> str:
    return word.casefold().strip(":,;()")


def _looks_like_date(tail: str) -> bool:
    """Whether text after a due keyword is meant as a date ("fredag @anna", "slutet av kv2")."""
    words = [_keyword_word(word).strip(".!?") for word in tail.split()]
    while words and words[0] in _LEAD_FILLERS:
        words = words[1:]
    for word in words[:2]:
        if any(char.isdigit() for char in word):
            return True
        if word in _DATE_WORDS or word in _WEEKDAYS or word in _MONTHS:
            return True
        if len(word) >= 5 and difflib.get_close_matches(word, _VOCABULARY, n=1, cutoff=0.8):
            return True
    return False


def _strip_done_word(rest: str) -> str:
    """ "Boka buss, klart till 15/12" -> "Boka buss": after a comma, "klart" says when it is
    due ("Gör klart senast fredag" keeps its verb)."""
    words = rest.strip().rstrip(",;:").split()
    if len(words) > 1 and words[-1].casefold() in _DONE_WORDS and words[-2].endswith((",", ";")):
        return " ".join(words[:-1]).rstrip(",;:").strip()
    return rest.strip()


def _strip_trailing_keywords(rest: str) -> str:
    """Drop dangling due keywords: "x senast" (from "x senast till nästa möte") -> "x"."""
    rest = rest.strip().rstrip(",;:").strip()
    while True:
        words = rest.split()
        cleaned = [_keyword_word(word) for word in words]
        drop = 0
        for phrase in _MULTI_KEYWORDS:
            if tuple(cleaned[-len(phrase) :]) == phrase:
                drop = len(phrase)
        if not drop and words and (cleaned[-1] in _ALL_KEYWORDS or words[-1] == _TOM):
            drop = 1
        if not drop:
            return rest
        rest = " ".join(words[:-drop]).strip().rstrip(",;:").strip()


def _keywords(text: str) -> list[tuple[int, int, str]]:
    """Due keywords in the text: (keyword start, tail start, kind), in order."""
    words = list(_WORD_RE.finditer(text))
    cleaned = [_keyword_word(match.group()) for match in words]
    found: list[tuple[int, int, str]] = []
    for index, word in enumerate(cleaned):
        start, end = words[index].start(), words[index].end()
        if word in _HARD_KEYWORDS:
            found.append((start, end, "hard"))
        elif word in _SOFT_KEYWORDS:
            found.append((start, end, "soft"))
        elif words[index].group().strip(":,;()") == _TOM:
            found.append((start, end, "tom"))
        for phrase in _MULTI_KEYWORDS:
            if tuple(cleaned[index : index + len(phrase)]) == phrase:
                found.append((start, words[index + len(phrase) - 1].end(), "hard"))
    return found


# "… imorgon kl 10": a time after the due date. Due dates are days; the time stays in the text.
_CLOCK_TAIL_RE: Final = re.compile(
    r"\s+(?:kl\.?|klockan)\s?\d{1,2}(?:[:.]\d{2})?\s*$", re.IGNORECASE
)


def extract_due(
    text: str,
    *,
    today: date,
    next_meeting: date | None = None,
    series_meeting: MeetingLookup | None = None,
) -> tuple[str, date | None]:
    """Split a command's free text into (rest, due date).

    A clock time after the date ("Ring Anna imorgon kl 10") is kept in the text
    ("Ring Anna kl 10") and the day is the due date.

    A date is taken after a due keyword (``senast``, ``t.o.m.``, ``till och med``,
    ``due``, ``by``, ``deadline``, ``slutdatum``, lowercase ``tom`` before a
    numeric date), or as the last one to six words of the text. Only the last
    keyword counts, and the whole text after it must then be a date; if that text
    does not look like a date at all ("Meddela senast nytt om …") the keyword is
    ordinary text. Numeric forms (``15/1``, ``15.1``) and a bare month count only
    after a keyword: "Ta upp under punkt 3.1" is text. The next meeting counts at
    the end only after ``till``/``innan``/``före``/``by``/``before``.

    Args:
        text: Free text, e.g. ``"Skicka protokoll @anna senast fredag"``.
        today: The current date in the team's time zone.
        next_meeting: The date of the channel's next meeting, if any.
        series_meeting: Looks up the next meeting of a named series, if possible.

    Returns:
        ``(rest, due)`` where ``rest`` is the text without the date part and its
        keyword (stripped), and ``due`` is None when no date was found.

    Raises:
        DateError: When the text after the last due keyword looks like a date
            but is not a usable one, or the trailing words are a date that
            cannot be used (``31 februari``, a passed day without a year, a
            weekday that does not match).
    """
    clock = _CLOCK_TAIL_RE.search(text)
    if clock is not None:
        rest, due = _extract_due(text[: clock.start()], today, next_meeting, series_meeting)
        if due is not None:
            return f"{rest} {clock.group().strip()}".strip(), due
    return _extract_due(text, today, next_meeting, series_meeting)


def _extract_due(
    text: str, today: date, next_meeting: date | None, series_meeting: MeetingLookup | None
) -> tuple[str, date | None]:
    keyed = _Opts(today, text, next_meeting, series_meeting, allow_meeting=True, explicit=True)
    candidates = [k for k in _keywords(text) if text[k[1] :].strip()]
    for keyword_start, tail_start, kind in reversed(candidates):
        tail = text[tail_start:].strip()
        if kind == _TOM and not tail[:1].isdigit():
            continue
        try:
            due = _parse_safely(tail, _with_raw(keyed, tail))
        except DateError as error:
            if kind == _TOM:
                continue
            if error.code != "unknown" or _looks_like_date(tail):
                raise
        else:
            return _strip_done_word(_strip_trailing_keywords(text[:keyword_start])), due
        break

    words = list(_WORD_RE.finditer(text))
    for count in range(min(_MAX_TRAILING_WORDS, len(words)), 0, -1):
        start = words[-count].start()
        window = text[start:]
        lead = _keyword_word(words[-count].group())
        before = _keyword_word(words[-count - 1].group()) if count < len(words) else ""
        opts = _Opts(
            today,
            window,
            next_meeting,
            series_meeting,
            allow_meeting=lead in _MEETING_LEADS,
            explicit=False,
            slashed=lead in _MEETING_LEADS or before in _MEETING_LEADS,
        )
        try:
            due = _parse_safely(window, opts)
        except DateError as error:
            if error.code != "unknown":
                raise
            continue
        # "Läs på till måndag": "på" belongs to the text when a lead word follows it.
        if (
            lead in _LOOSE_LEADS
            and count > 1
            and _keyword_word(words[-count + 1].group()) in (_MEETING_LEADS | _ALL_KEYWORDS)
        ):
            start = words[-count + 1].start()
        elif before in _MEETING_LEADS and count + 1 < len(words):
            # "Boka buss innan 15 december": the lead is not the text's ("Inför v. 50" is).
            start = words[-count - 1].start()
        return _strip_done_word(text[:start]), due
    return text.strip(), None


def _with_raw(opts: _Opts, raw: str) -> _Opts:
    return _Opts(
        opts.today,
        raw,
        opts.next_meeting,
        opts.series_meeting,
        allow_meeting=opts.allow_meeting,
        explicit=opts.explicit,
        slashed=opts.slashed,
    )


# --------------------------------------------------------------------------
# Describing dates in messages
# --------------------------------------------------------------------------


def _month_name(month: int, lang: str) -> str:
    return str(_locale(lang).months["format"]["wide"][month])


def weekday_name(weekday: int, lang: str) -> str:
    """The full name of a weekday (0 = Monday), e.g. ``"tisdag"`` / ``"Tuesday"``."""
    return str(_locale(lang).days["format"]["wide"][weekday])


def format_day_month_year(d: date, lang: str) -> str:
    """A date without its weekday, e.g. ``"16 mars 2027"`` / ``"16 March 2027"``."""
    return _babel_format_date(d, "d MMMM y", locale=_locale(lang))


def describe_period(period: Period, year: int | None, lang: str) -> str:
    """Words for what a yearless date referred to, which read back as the same date.

    Args:
        period: What the user's text referred to.
        year: A year to add, or None.
        lang: ``"sv"`` or ``"en"``.

    Returns:
        E.g. ``"5 mars"``, ``"slutet av januari 2028"``, ``"mid-March 2028"``.
    """
    month = _month_name(period.month, lang)
    english = _locale(lang).language == "en"
    if period.kind == "day":
        text = f"{period.day} {month}"
    elif period.kind == "month":
        text = month
    elif english:
        text = {
            "start": "beginning of {m}",
            "mid": "mid-{m}",
            "end": "end of {m}",
            "last": "last day of {m}",
        }[period.kind].format(m=month)
    else:
        text = {
            "start": "början av {m}",
            "mid": "mitten av {m}",
            "end": "slutet av {m}",
            "last": "sista {m}",
        }[period.kind].format(m=month)
    return f"{text} {year}" if year is not None else text


# --------------------------------------------------------------------------
# Times
# --------------------------------------------------------------------------

_TIME_RE: Final = re.compile(r"(?:(?:kl\.?|klockan) ?)?(\d{1,2})(?:[:.](\d{2}))?", re.ASCII)
_SPAN_SPLIT_RE: Final = re.compile(r"\s*[-–—]\s*")


def parse_time(text: str) -> time:
    """Read a clock time.

    Args:
        text: ``"08:30"``, ``"8.30"``, ``"kl 9"``, ``"kl. 9"``, ``"klockan 9"`` or ``"9"``.

    Returns:
        The time of day.

    Raises:
        DateError: ``"invalid"`` for out-of-range times such as ``"25:00"``,
            ``"unknown"`` for anything else.
    """
    norm = " ".join(text.casefold().split())
    match = _TIME_RE.fullmatch(norm)
    if not match:
        raise DateError("unknown", text)
    hour = int(match.group(1))
    minute = int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise DateError("invalid", text)
    return time(hour, minute)


def parse_time_span(text: str) -> tuple[time, time]:
    """Read a time span joined by a hyphen, en dash or em dash.

    Args:
        text: ``"08:30-12:00"``, ``"8.30–12"``, ``"kl 9-15"``, ``"09:00 - 15:00"``.

    Returns:
        ``(start, end)``.

    Raises:
        DateError: ``"invalid"`` when a time is out of range or the end is not
            after the start, ``"unknown"`` when the text is not a span.
    """
    parts = _SPAN_SPLIT_RE.split(text.strip())
    if len(parts) != 2:
        raise DateError("unknown", text)
    try:
        start, end = parse_time(parts[0]), parse_time(parts[1])
    except DateError as error:
        raise DateError(error.code, text) from None
    if end <= start:
        raise DateError("invalid", text)
    return start, end


# --------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------

_TRAILING_DOT_RE: Final = re.compile(r"\.(?=\s|$)")


def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse("sv")


def format_date(d: date, lang: str) -> str:
    """Format a date briefly, e.g. ``"fre 27 nov 2026"`` / ``"Fri 27 Nov 2026"``.

    Args:
        d: The date.
        lang: A Babel locale identifier such as ``"sv"`` or ``"en"``; unknown
            identifiers fall back to Swedish.

    Returns:
        Short weekday, day, abbreviated month (without trailing dot) and year.
    """
    text = _babel_format_date(d, "EEE d MMM y", locale=_locale(lang))
    return _TRAILING_DOT_RE.sub("", text)


def format_date_long(d: date, lang: str) -> str:
    """Format a date in full, e.g. ``"torsdag 10 december 2026"``.

    Args:
        d: The date.
        lang: A Babel locale identifier such as ``"sv"`` or ``"en"``; unknown
            identifiers fall back to Swedish.

    Returns:
        Full weekday, day, full month name and year.
    """
    return _babel_format_date(d, "EEEE d MMMM y", locale=_locale(lang))
