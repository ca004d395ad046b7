"""School calendars: terms, non-school days and school weekdays. Pure Python.

A campus's calendar is the district-wide entries plus the campus's own: a campus that has
terms of its own uses them instead of the district's terms; closures add up.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

MON_FRI = frozenset({1, 2, 3, 4, 5})


@dataclass(frozen=True)
class Term:
    name: str
    start: date  # first day of classes
    end: date  # last day


@dataclass(frozen=True)
class Closure:
    name: str
    start: date
    end: date


def days(start: date, end: date) -> Iterator[date]:
    """Every day from ``start`` to ``end`` inclusive (safe up to the last representable day)."""
    day = start
    while day <= end:
        yield day
        if day == date.max:
            return
        day += timedelta(days=1)


def school_year_of(day: date) -> int:
    """School years run July to June; 2026-09-01 is in school year 2026 ("2026-2027")."""
    return day.year if day.month >= 7 else day.year - 1


def school_year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


@dataclass(frozen=True)
class SchoolCalendar:
    terms: tuple[Term, ...] = ()
    closures: tuple[Closure, ...] = ()
    weekdays: frozenset[int] = field(default=MON_FRI)

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", tuple(sorted(self.terms, key=lambda t: t.start)))

    @cached_property
    def _hash(self) -> int:
        return hash((self.terms, self.closures, self.weekdays))

    def __hash__(self) -> int:
        # Kept: the compliance engine's schedules are cached by calendar (a district's 200
        # campuses share one), and hashing every term and closure each time costs more.
        return self._hash

    @cached_property
    def _closed(self) -> frozenset[date]:
        """Closed days that matter: those inside a term (a closure outside every term
        changes nothing, so a range from year 1 to 9999 costs no more than its terms)."""
        if not self.terms:
            return frozenset()
        first, last = self.terms[0].start, max(t.end for t in self.terms)
        return frozenset(
            d
            for c in self.closures
            if c.end >= first and c.start <= last
            for d in days(max(c.start, first), min(c.end, last))
        )

    @cached_property
    def _school_days(self) -> tuple[date, ...]:
        """Every school day, sorted: the index behind school-day arithmetic."""
        return tuple(
            d
            for term in self.terms
            for d in days(term.start, term.end)
            if d.isoweekday() in self.weekdays and d not in self._closed
        )

    def term_on(self, day: date) -> Term | None:
        for term in self.terms:
            if term.start <= day <= term.end:
                return term
        return None

    def is_school_day(self, day: date) -> bool:
        return (
            day.isoweekday() in self.weekdays
            and day not in self._closed
            and self.term_on(day) is not None
        )

    def school_days_between(self, start: date, end: date) -> int:
        """How many school days fall in ``start``..``end`` inclusive."""
        index = self._school_days
        return bisect_right(index, end) - bisect_left(index, start)

    def nth_school_day(self, start: date, n: int) -> date | None:
        """The ``n``-th school day on or after ``start`` (n = 1 is the first); None past the end."""
        index = self._school_days
        position = bisect_left(index, start) + n - 1
        if n < 1 or position >= len(index):
            return None
        return index[position]

    def next_school_day(self, day: date) -> date | None:
        """``day`` itself if it is a school day, else the next one; None past the calendar."""
        return self.nth_school_day(day, 1)

    def terms_in_school_year(self, start_year: int) -> list[Term]:
        return [t for t in self.terms if school_year_of(t.start) == start_year]


def build_calendar(
    district_terms: Iterable[Term],
    district_closures: Iterable[Closure],
    campus_terms: Iterable[Term] = (),
    campus_closures: Iterable[Closure] = (),
    weekdays: Iterable[int] = MON_FRI,
) -> SchoolCalendar:
    """A campus's calendar: its own terms if it has any, else the district's; all closures."""
    own_terms = tuple(campus_terms)
    return SchoolCalendar(
        terms=own_terms or tuple(district_terms),
        closures=tuple(district_closures) + tuple(campus_closures),
        weekdays=frozenset(weekdays),
    )
