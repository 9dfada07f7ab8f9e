"""Swedish working days: weekends, public holidays and the de facto holidays are off."""

from __future__ import annotations

from datetime import date

import pytest

from commands.workdays import add_working_days, holiday_name, is_working_day, working_days_before


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 12, 25), "Juldagen"),
        (date(2026, 12, 24), "Julafton"),
        (date(2026, 12, 31), "Nyårsafton"),
        (date(2027, 6, 25), "Midsommarafton"),
        (date(2027, 1, 6), "Trettondedag jul"),
        (date(2027, 3, 26), "Långfredagen"),
    ],
)
def test_holidays_are_not_working_days(day: date, name: str) -> None:
    assert not is_working_day(day)
    assert holiday_name(day) == name


def test_weekends_off_half_days_and_squeeze_days_on() -> None:
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 11, 29))  # Sunday
    assert is_working_day(date(2026, 12, 23))  # dag före julafton: a half day, still working
    assert is_working_day(date(2026, 5, 15))  # klämdag
    assert is_working_day(date(2026, 11, 30))


def test_counting_working_days() -> None:
    # Fri 18 Dec + 3 working days skips the weekend and 24-25 Dec.
    assert add_working_days(date(2026, 12, 18), 3) == date(2026, 12, 23)
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    # Two working days before Thu 10 Dec is Tue 8 Dec; before Mon 4 Jan 2027 it is 30 Dec.
    assert working_days_before(date(2026, 12, 10), 2) == date(2026, 12, 8)
    assert working_days_before(date(2027, 1, 4), 2) == date(2026, 12, 29)
    assert working_days_before(date(2026, 12, 10), 0) == date(2026, 12, 10)
