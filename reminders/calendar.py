"""Working days in England and Wales: weekends and bank holidays are not working days."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=1)
def _bank_holidays() -> holidays.HolidayBase:
    # The "ENG" subdivision is the England and Wales list of bank holidays.
    return holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays()


def working_days_before(day: date, count: int) -> date:
    """The date ``count`` working days before ``day`` (0: the day itself)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_until(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative if ``end`` is past."""
    if end < start:
        return -working_days_until(end, start)
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
