"""The range of dates SafetyOps accepts anywhere (forms, API, CSV, query strings).

A date far outside school life is a typo (9999 for 2026) and must be refused with a field
error, not stored: one such closed day used to break every page that does date
arithmetic. Pure: the caller passes today.
"""

from __future__ import annotations

from datetime import date, datetime

EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 5


def latest(today: date) -> date:
    """The last acceptable date: the end of the fifth calendar year after today's."""
    return date(today.year + YEARS_AHEAD, 12, 31)


def in_range(day: date | datetime, today: date) -> bool:
    value = day.date() if isinstance(day, datetime) else day
    return EARLIEST <= value <= latest(today)


def range_message(today: date) -> str:
    return f"must be between {EARLIEST.isoformat()} and {latest(today).isoformat()}"


def year_in_range(year: int, today: date) -> bool:
    return EARLIEST.year <= year <= latest(today).year
