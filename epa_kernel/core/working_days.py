"""Date arithmetic for the EPA lifecycle: calendar months, weeks, days and working days in England.

A working day is Monday to Friday and not a bank holiday in England (and Wales), as the
maintained ``holidays`` package lists them (``holidays.country_holidays("GB", subdiv="ENG")``,
substitute days included, e.g. Boxing Day 2026 observed on Monday 28 December). Nothing here
reads a clock: every function is given its dates.

How the documents' periods are counted (recorded in each standard's ``choices``):

- "within N months of D" ends on the same day of the month N months later, or on the last day
  of that month when it is shorter (31 January + 1 month = 28 or 29 February);
- "within N weeks of D" ends 7 x N days after D;
- "within N working days of D" ends on the Nth working day after D (D itself is not counted);
- "N weeks before D" is the day 7 x N days before D, and the thing is in time on or before it.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays

from epa_kernel.core.lifecycle_spec import Period

__all__ = ["add_months", "add_working_days", "bank_holidays", "is_working_day", "shift"]


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays in ``year`` (substitute days included)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (negative: back), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (before it when ``count`` is negative)."""
    step = timedelta(days=1 if count >= 0 else -1)
    left = abs(count)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days after ``start`` ``end`` is (the working days in ``(start, end]``;
    0 when ``end`` is not after ``start``)."""
    days = (end - start).days
    return sum(is_working_day(start + timedelta(days=n)) for n in range(1, days + 1))


def shift(day: date, period: Period, *, back: bool = False) -> date:
    """``day`` moved forward (or ``back``) by ``period``."""
    sign = -1 if back else 1
    if period.unit == "months":
        return add_months(day, sign * period.amount)
    if period.unit == "working_days":
        return add_working_days(day, sign * period.amount)
    days = period.amount * (7 if period.unit == "weeks" else 1)
    return day + timedelta(days=sign * days)
