"""Date and time reading for the Mötesbot command language.

Everything here is pure: the current day is always passed in as ``today`` and
the clock is never read.  Month and weekday names come from Babel's locale
data for Swedish and English, so spelling variants follow CLDR rather than a
hand-written list.

Supported date expressions (case-insensitive, Swedish and English):

* ISO dates: ``2026-12-05``.
* Relative days: ``idag``/``i dag``/``today``, ``imorgon``/``i morgon``/``tomorrow``,
  ``övermorgon``/``i övermorgon``/``the day after tomorrow``.
* Weekdays, full or abbreviated, optionally after ``nästa``/``next``/``på``/``on``:
  the next such day strictly after today.
* ``nästa vecka``/``next week``: Monday of the next ISO week.
* ISO weeks: ``v. 42``, ``v 42``, ``v.42``, ``vecka 42``, ``week 42``, ``w42``
  (optionally followed by a year): the Friday of that week.
* Day-first numeric dates: ``6/11``, ``6/11 2026``, ``6/11/2026``, ``6/11-26``.
* Textual dates: ``6 nov``, ``6 november 2026``, ``6:e november``,
  ``November 6``, ``Nov 6, 2026``, optionally preceded by a weekday name
  (``fre 27 nov 2026``, ``Friday, November 27, 2026``), which must agree.
* The next meeting: ``nästa möte``, ``till nästa möte``, ``next meeting``,
  ``by the next meeting``.

A leading ``den``/``på``/``on``/``till``/``by``/``i``/``in`` is ignored.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_format_date
from dateutil.parser import isoparse
from dateutil.relativedelta import MO, relativedelta
from dateutil.relativedelta import weekday as _rd_weekday

__all__ = [
    "DateError",
    "extract_due",
    "format_date",
    "format_date_long",
    "parse_date",
    "parse_time",
    "parse_time_span",
]

_LANGS: Final = ("sv", "en")


class DateError(ValueError):
    """A date the user wrote that cannot be used.

    Attributes:
        code: ``"invalid"`` when the text looks like a date that does not exist
            (``31 februari``, ``2026-02-30``, ``v. 60``), ``"unknown"`` when it
            is not a date at all, ``"no_next_meeting"`` when the next meeting
            was asked for but none is known.
        text: The offending text as the user wrote it.
    """

    code: str
    text: str

    def __init__(self, code: str, text: str) -> None:
        """Create the error.

        Args:
            code: One of ``"invalid"``, ``"unknown"`` or ``"no_next_meeting"``.
            text: The offending text as the user wrote it.
        """
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.text = text


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

_TODAY_WORDS: Final = frozenset({"idag", "i dag", "today"})
_TOMORROW_WORDS: Final = frozenset({"imorgon", "i morgon", "imorn", "i morn", "tomorrow"})
_DAY_AFTER_WORDS: Final = frozenset(
    {"övermorgon", "i övermorgon", "the day after tomorrow", "day after tomorrow"}
)
_NEXT_WEEK_WORDS: Final = frozenset({"nästa vecka", "next week"})
_NEXT_MEETING_WORDS: Final = frozenset(
    {
        "nästa möte",
        "till nästa möte",
        "next meeting",
        "the next meeting",
        "by next meeting",
        "by the next meeting",
    }
)
_PREFIX_WORDS: Final = frozenset({"den", "på", "on", "till", "by", "i", "in"})
_NEXT_WORDS: Final = frozenset({"nästa", "next"})

_ISO_RE: Final = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_ISO_STRICT_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NUMERIC_RE: Final = re.compile(r"(\d{1,2})/(\d{1,2})(?:[/\- ](\d{4}|\d{2}))?", re.ASCII)
_WEEK_RE: Final = re.compile(r"(?:v\.?|vecka|week|wk|w) ?(\d{1,3})(?: (\d{4}))?", re.ASCII)
_DAY_TOKEN_RE: Final = re.compile(r"(\d{1,2})(?::e|:a|e|a|st|nd|rd|th|\.)?", re.ASCII)
_YEAR_TOKEN_RE: Final = re.compile(r"\d{4}", re.ASCII)


# --------------------------------------------------------------------------
# parse_date
# --------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Case-fold, collapse whitespace and drop trailing punctuation."""
    return " ".join(text.casefold().split()).rstrip(".,;:!?").strip()


def _resolve_day_month(day: int, month: int, year: int | None, today: date, raw: str) -> date:
    """Build a date; with no year, pick the first occurrence on or after ``today``."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise DateError("invalid", raw)
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            raise DateError("invalid", raw) from None
    try:
        date(2000, month, day)  # leap year: does this day exist at all?
    except ValueError:
        raise DateError("invalid", raw) from None
    for candidate_year in range(today.year, today.year + 9):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:  # 29 February in a common year
            continue
        if candidate >= today:
            return candidate
    raise DateError("invalid", raw)


def _day_token(token: str) -> int | None:
    match = _DAY_TOKEN_RE.fullmatch(token)
    return int(match.group(1)) if match else None


def _month_token(token: str) -> int | None:
    return _MONTHS.get(token.rstrip("."))


def _textual(tokens: list[str], today: date, raw: str) -> date | None:
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
    return _resolve_day_month(day, month, year, today, raw)


def _absolute(tokens: list[str], today: date, raw: str) -> date | None:
    """Read an absolute calendar date (ISO, numeric or textual)."""
    joined = " ".join(tokens)
    if _ISO_RE.fullmatch(joined):
        try:
            if _ISO_STRICT_RE.fullmatch(joined):
                return isoparse(joined).date()
            year, month, day = (int(part) for part in joined.split("-"))
            return date(year, month, day)
        except (ValueError, OverflowError):
            raise DateError("invalid", raw) from None
    numeric = _NUMERIC_RE.fullmatch(joined)
    if numeric:
        year_text = numeric.group(3)
        numeric_year: int | None = None
        if year_text is not None:
            numeric_year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        day, month = int(numeric.group(1)), int(numeric.group(2))
        return _resolve_day_month(day, month, numeric_year, today, raw)
    return _textual(tokens, today, raw)


def _iso_week_friday(week: int, year: int | None, today: date, raw: str) -> date:
    if not 1 <= week <= 53:
        raise DateError("invalid", raw)
    try:
        if year is not None:
            return date.fromisocalendar(year, week, 5)
        iso_year = today.isocalendar().year
        if date.fromisocalendar(iso_year, week, 7) < today:
            iso_year += 1
        return date.fromisocalendar(iso_year, week, 5)
    except ValueError:
        raise DateError("invalid", raw) from None


def _next_weekday(weekday: int, today: date) -> date:
    """The next given weekday strictly after ``today``."""
    return today + relativedelta(days=+1, weekday=_rd_weekday(weekday))


def _parse(text: str, today: date, next_meeting: date | None, *, allow_meeting: bool) -> date:
    norm = _normalise(text)
    if not norm:
        raise DateError("unknown", text)

    tokens = [token.strip(",") for token in norm.split(" ")]
    tokens = [token for token in tokens if token]
    phrase = " ".join(tokens)
    # Strip filler prefixes ("den 8/6", "på fredag", "till v. 42"), but not from
    # phrases that are themselves expressions ("i dag", "till nästa möte").
    while len(tokens) > 1 and tokens[0] in _PREFIX_WORDS and not _is_phrase(phrase):
        tokens = tokens[1:]
        phrase = " ".join(tokens)
    if not tokens:
        raise DateError("unknown", text)

    if phrase in _NEXT_MEETING_WORDS:
        if not allow_meeting:
            raise DateError("unknown", text)
        if next_meeting is None:
            raise DateError("no_next_meeting", text)
        return next_meeting
    if phrase in _TODAY_WORDS:
        return today
    if phrase in _TOMORROW_WORDS:
        return today + timedelta(days=1)
    if phrase in _DAY_AFTER_WORDS:
        return today + timedelta(days=2)
    if phrase in _NEXT_WEEK_WORDS:
        return today + relativedelta(weeks=+1, weekday=MO(-1))

    week = _WEEK_RE.fullmatch(phrase)
    if week:
        year_text = week.group(2)
        year = int(year_text) if year_text is not None else None
        return _iso_week_friday(int(week.group(1)), year, today, text)

    day_tokens = tokens[1:] if len(tokens) == 2 and tokens[0] in _NEXT_WORDS else tokens
    if len(day_tokens) == 1 and day_tokens[0].rstrip(".") in _WEEKDAYS:
        return _next_weekday(_WEEKDAYS[day_tokens[0].rstrip(".")], today)

    result = _absolute(tokens, today, text)
    if result is not None:
        return result

    # A weekday in front of an absolute date: "fre 27 nov", "torsdag den 10 december".
    if len(tokens) > 1 and tokens[0].rstrip(".") in _WEEKDAYS:
        rest = tokens[1:]
        if rest[0] == "den" and len(rest) > 1:
            rest = rest[1:]
        result = _absolute(rest, today, text)
        if result is not None:
            if result.weekday() != _WEEKDAYS[tokens[0].rstrip(".")]:
                raise DateError("invalid", text)
            return result

    raise DateError("unknown", text)


def _is_phrase(phrase: str) -> bool:
    return (
        phrase in _NEXT_MEETING_WORDS
        or phrase in _TODAY_WORDS
        or phrase in _TOMORROW_WORDS
        or phrase in _DAY_AFTER_WORDS
    )


def _parse_safely(
    text: str, today: date, next_meeting: date | None, *, allow_meeting: bool
) -> date:
    try:
        return _parse(text, today, next_meeting, allow_meeting=allow_meeting)
    except DateError:
        raise
    except (ValueError, OverflowError, TypeError, IndexError) as exc:  # pragma: no cover
        # Defensive: e.g. date arithmetic past date.max for an extreme ``today``.
        raise DateError("unknown", text) from exc


def parse_date(text: str, *, today: date, next_meeting: date | None = None) -> date:
    """Read one date expression (the whole string).

    Args:
        text: What the user wrote, e.g. ``"fredag"``, ``"6/11"``, ``"v. 42"``.
        today: The current date in the team's time zone.
        next_meeting: The date of the next known meeting, if any.

    Returns:
        The date the text refers to. Dates before ``today`` are returned as
        written (e.g. ``2020-01-01``); rejecting them is the caller's job.

    Raises:
        DateError: ``"invalid"`` for impossible dates, ``"no_next_meeting"``
            when the next meeting is asked for but unknown, otherwise
            ``"unknown"``. No other exception is raised for any string.
    """
    return _parse_safely(text, today, next_meeting, allow_meeting=True)


# --------------------------------------------------------------------------
# extract_due
# --------------------------------------------------------------------------

_DUE_KEYWORDS: Final = frozenset({"senast", "due", "by", "deadline", "slutdatum"})
# English "by" also starts ordinary phrases ("Presentation by Anna"): it counts as a due
# keyword only when a date follows it; the other keywords always announce a date.
_SOFT_KEYWORDS: Final = frozenset({"by"})
_DUE_PHRASES: Final = (("till", "nästa", "möte"),)
_WORD_RE: Final = re.compile(r"\S+")
_MAX_TRAILING_WORDS: Final = 4


def _keyword_word(word: str) -> str:
    return word.casefold().strip(":,;()")


def _strip_trailing_keywords(rest: str) -> str:
    """Drop dangling due keywords: "x senast" (from "x senast till nästa möte") -> "x"."""
    rest = rest.strip().rstrip(",;:").strip()
    while True:
        words = rest.rsplit(None, 1)
        if not words or _keyword_word(words[-1]) not in _DUE_KEYWORDS:
            return rest
        rest = (words[0] if len(words) == 2 else "").strip().rstrip(",;:").strip()


def extract_due(
    text: str, *, today: date, next_meeting: date | None = None
) -> tuple[str, date | None]:
    """Split a command's free text into (rest, due date).

    A date is taken only after a due keyword (``senast``, ``due``, ``by``,
    ``deadline``, ``slutdatum``, or the phrase ``till nästa möte``) or as the
    last one to four words of the text. Only the last keyword counts, and the
    whole text after it must then be a date. A keyword with nothing after it is
    ordinary text.

    Args:
        text: Free text, e.g. ``"Skicka protokoll @anna senast fredag"``.
        today: The current date in the team's time zone.
        next_meeting: The date of the next known meeting, if any.

    Returns:
        ``(rest, due)`` where ``rest`` is the text without the date part
        (stripped) and ``due`` is None when no date was found.

    Raises:
        DateError: When the text after the last due keyword is not a usable
            date, or the trailing words are an impossible date such as
            ``31 februari``.
    """
    words = list(_WORD_RE.finditer(text))
    cleaned = [_keyword_word(match.group()) for match in words]

    # (keyword start, tail start, soft) of the last due keyword that has a tail.
    last: tuple[int, int, bool] | None = None
    for index, word in enumerate(cleaned):
        if word in _DUE_KEYWORDS:
            last = (words[index].start(), words[index].end(), word in _SOFT_KEYWORDS)
        for phrase in _DUE_PHRASES:
            if tuple(cleaned[index : index + len(phrase)]) == phrase:
                last = (words[index].start(), words[index].start(), False)
    if last is not None:
        keyword_start, tail_start, soft = last
        tail = text[tail_start:].strip()
        if tail:
            try:
                due = _parse_safely(tail, today, next_meeting, allow_meeting=True)
            except DateError as error:
                if not (soft and error.code == "unknown"):
                    raise
            else:
                return _strip_trailing_keywords(text[:keyword_start]), due

    for count in range(min(_MAX_TRAILING_WORDS, len(words)), 0, -1):
        start = words[-count].start()
        try:
            due = _parse_safely(text[start:], today, next_meeting, allow_meeting=False)
        except DateError as error:
            if error.code == "invalid":
                raise
            continue
        return text[:start].strip(), due
    return text.strip(), None


# --------------------------------------------------------------------------
# Times
# --------------------------------------------------------------------------

_TIME_RE: Final = re.compile(r"(?:kl\.? ?)?(\d{1,2})(?:[:.](\d{2}))?", re.ASCII)
_SPAN_SPLIT_RE: Final = re.compile(r"\s*[-–—]\s*")


def parse_time(text: str) -> time:
    """Read a clock time.

    Args:
        text: ``"08:30"``, ``"8.30"``, ``"kl 9"``, ``"kl. 9"`` or ``"9"``.

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
