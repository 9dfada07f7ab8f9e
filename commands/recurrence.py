"""Simple recurrences in Swedish and English, stored as RFC 5545 RRULE strings.

Understood (case-insensitive; "på", "on", "the", "of", "i", "in" are ignored):

* ``varje vecka tisdag`` / ``every week tuesday`` / ``weekly on tuesday`` /
  ``varje tisdag`` / ``every tuesday``: ``FREQ=WEEKLY;BYDAY=TU``
* ``varannan vecka tisdag`` / ``every other week tuesday`` / ``every 2 weeks tuesday``
  / ``biweekly tuesday``: ``FREQ=WEEKLY;INTERVAL=2;BYDAY=TU``
* ``varje månad andra torsdagen`` / ``monthly 2nd thursday`` /
  ``andra torsdagen varje månad`` / ``every month on the second thursday``:
  ``FREQ=MONTHLY;BYDAY=+2TH``
* ``sista fredagen varje månad`` / ``last friday of every month`` / ``monthly last friday``:
  ``FREQ=MONTHLY;BYDAY=-1FR``

The stored rule carries its DTSTART (the day the series was created), so
"every other week" keeps its phase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from dateutil.rrule import rrulestr

WEEKDAYS: dict[str, str] = {}
for _code, _names in {
    "MO": ("måndag", "mandag", "monday", "mon", "mån"),
    "TU": ("tisdag", "tuesday", "tue", "tis"),
    "WE": ("onsdag", "wednesday", "wed", "ons"),
    "TH": ("torsdag", "thursday", "thu", "tors", "tor"),
    "FR": ("fredag", "friday", "fri", "fre"),
    "SA": ("lördag", "lordag", "saturday", "sat", "lör"),
    "SU": ("söndag", "sondag", "sunday", "sun", "sön"),
}.items():
    for _name in _names:
        WEEKDAYS[_name] = _code

ORDINALS: dict[str, int] = {
    "första": 1, "forsta": 1, "1:a": 1, "1a": 1, "first": 1, "1st": 1, "1": 1,
    "andra": 2, "2:a": 2, "2a": 2, "second": 2, "2nd": 2, "2": 2,
    "tredje": 3, "3:e": 3, "3e": 3, "third": 3, "3rd": 3, "3": 3,
    "fjärde": 4, "fjarde": 4, "4:e": 4, "4e": 4, "fourth": 4, "4th": 4, "4": 4,
    "sista": -1, "last": -1,
}  # fmt: skip

FILLER = frozenset({"på", "on", "the", "of", "i", "in", "den", "a"})
WEEKLY = ({"varje", "vecka"}, {"every", "week"}, {"weekly"}, {"varje"}, {"every"})
BIWEEKLY = (
    {"varannan", "vecka"},
    {"every", "other", "week"},
    {"every", "2", "weeks"},
    {"every", "second", "week"},
    {"biweekly"},
    {"varannan"},
)
MONTHLY = (
    {"varje", "månad"},
    {"varje", "manad"},
    {"every", "month"},
    {"monthly"},
    {"månadsvis"},
    # "första måndagen i månaden", "varje månads första måndag"
    {"månaden"},
    {"varje", "månaden"},
    {"varje", "månads"},
    {"månadens"},
)
WEEKDAY_NAMES_SV = {
    "MO": "måndag",
    "TU": "tisdag",
    "WE": "onsdag",
    "TH": "torsdag",
    "FR": "fredag",
    "SA": "lördag",
    "SU": "söndag",
}
WEEKDAY_NAMES_EN = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ORDINAL_SV = {1: "första", 2: "andra", 3: "tredje", 4: "fjärde", -1: "sista"}
ORDINAL_EN = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


class RecurrenceError(ValueError):
    """The text is not a recurrence we understand."""


@dataclass(frozen=True)
class Recurrence:
    """A parsed rule: weekly (interval 1 or 2) or monthly on the nth weekday."""

    freq: str  # "WEEKLY" or "MONTHLY"
    weekday: str  # "TH"
    interval: int = 1
    ordinal: int | None = None  # monthly only: 1..4 or -1

    def rrule(self, dtstart: date) -> str:
        """The RFC 5545 text: a DTSTART line and an RRULE line."""
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.freq == "MONTHLY":
            parts.append(f"BYDAY={self.ordinal:+d}{self.weekday}")
        else:
            parts.append(f"BYDAY={self.weekday}")
        return f"DTSTART:{dtstart:%Y%m%d}\nRRULE:" + ";".join(parts)


def _words(text: str) -> list[str]:
    cleaned = re.sub(r"[,.]", " ", text.casefold())
    return [w for w in cleaned.split() if w not in FILLER]


def _weekday(word: str) -> str | None:
    for suffix in ("arna", "ar", "en", "s", ""):
        if suffix and not word.endswith(suffix):
            continue
        stem = word[: len(word) - len(suffix)] if suffix else word
        if stem in WEEKDAYS:
            return WEEKDAYS[stem]
    return None


def parse_recurrence(text: str) -> Recurrence:
    """Read a recurrence such as ``varje månad andra torsdagen``.

    Raises:
        RecurrenceError: not a recurrence we understand.
    """
    words = _words(text)
    days = [d for d in (_weekday(w) for w in words) if d]
    ordinals = [ORDINALS[w] for w in words if w in ORDINALS]
    rest = {w for w in words if _weekday(w) is None and w not in ORDINALS}
    if len(days) != 1 or len(ordinals) > 1:
        raise RecurrenceError(text)
    day = days[0]
    if ordinals:
        # "2" alone reads as an ordinal; "every 2 weeks" must stay weekly.
        raw_two = {w for w in words if ORDINALS.get(w) == 2}
        if ordinals == [2] and rest | raw_two in BIWEEKLY:
            return Recurrence("WEEKLY", day, interval=2)
        if rest in MONTHLY:
            return Recurrence("MONTHLY", day, ordinal=ordinals[0])
        raise RecurrenceError(text)
    if rest in BIWEEKLY:
        return Recurrence("WEEKLY", day, interval=2)
    if rest in WEEKLY:
        return Recurrence("WEEKLY", day)
    raise RecurrenceError(text)


def describe(rule: str, lang: str) -> str:
    """Say a stored rule back in words ("varje månad, andra torsdagen")."""
    body = rule.rsplit("RRULE:", 1)[-1]
    fields = dict(part.split("=", 1) for part in body.split(";") if "=" in part)
    byday = fields.get("BYDAY", "")
    match = re.fullmatch(r"([+-]?\d)?([A-Z]{2})", byday)
    if not match:
        return body
    ordinal, day = (int(match.group(1)) if match.group(1) else None), match.group(2)
    sv, en = lang != "en", lang == "en"
    if fields.get("FREQ") == "MONTHLY" and ordinal is not None:
        if sv:
            return f"varje månad, {ORDINAL_SV.get(ordinal, str(ordinal))} {WEEKDAY_NAMES_SV[day]}en"
        return f"monthly, {ORDINAL_EN.get(ordinal, str(ordinal))} {WEEKDAY_NAMES_EN[day]}"
    if fields.get("INTERVAL") == "2":
        return (
            f"varannan vecka, {WEEKDAY_NAMES_SV[day]}"
            if not en
            else (f"every other week, {WEEKDAY_NAMES_EN[day]}")
        )
    return f"varje vecka, {WEEKDAY_NAMES_SV[day]}" if not en else f"weekly, {WEEKDAY_NAMES_EN[day]}"


def occurrences(rule: str, start: date, end: date) -> list[date]:
    """The dates of a stored rule from ``start`` to ``end``, both included."""
    parsed = rrulestr(rule)
    first = datetime.combine(start, time(0))
    last = datetime.combine(end, time(23, 59))
    return [moment.date() for moment in parsed.between(first, last, inc=True)]
