"""Working days in Sweden: no weekends, no public holidays, no de facto holidays.

The ``holidays`` package's public Swedish calendar lacks midsommarafton,
julafton and nyårsafton, but offices are closed on them, so its ``de_facto``
category is included too. Half days ("från kl. 14.00") and klämdagar are
working days: the morning DM still matters then.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

CATEGORIES = ("public", "de_facto")


@lru_cache(maxsize=64)
def _year(year: int) -> frozenset[date]:
    days = holidays.country_holidays("SE", years=year, categories=CATEGORIES)
    return frozenset(days.keys())


def holiday_name(day: date) -> str | None:
    """Return the Swedish name of a holiday, or None on an ordinary day."""
    names = holidays.country_holidays("SE", years=day.year, categories=CATEGORIES, language="sv")
    name = names.get(day)
    return str(name) if name else None


def is_working_day(day: date) -> bool:
    """Tell whether a day is a Swedish working day."""
    return day.weekday() < 5 and day not in _year(day.year)


def add_working_days(day: date, count: int) -> date:
    """Return the date ``count`` working days after ``day`` (before it when negative).

    ``day`` itself need not be a working day; counting starts from the next one.
    """
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    current = day
    while remaining:
        current += timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_before(day: date, count: int) -> date:
    """Return the working day ``count`` working days before ``day`` (``day`` itself for 0).

    For 0 on a non-working day the meeting day itself is still returned:
    a meeting planned on a Saturday gets its morning post that Saturday.
    """
    return add_working_days(day, -count) if count > 0 else day


@lru_cache(maxsize=64)
def _named(year: int) -> dict[str, date]:
    names = holidays.country_holidays("SE", years=year, categories=CATEGORIES, language="sv")
    return {str(name).casefold(): day for day, name in names.items()}


def holiday_date(name: str, year: int) -> date | None:
    """Return the date of a named Swedish holiday in a year, from the ``holidays`` calendar.

    Args:
        name: The holiday's Swedish name as the calendar spells it, any case
            (``"Julafton"``, ``"Långfredagen"``, ``"Midsommarafton"``).
        year: The year.

    Returns:
        The date, or None when the calendar has no such holiday that year.
    """
    return _named(year).get(name.casefold())


def working_day_on_or_before(day: date) -> date:
    """Return ``day`` itself if it is a working day, else the working day before it."""
    return day if is_working_day(day) else add_working_days(day, -1)


def working_day_on_or_after(day: date) -> date:
    """Return ``day`` itself if it is a working day, else the working day after it."""
    return day if is_working_day(day) else add_working_days(day, 1)
