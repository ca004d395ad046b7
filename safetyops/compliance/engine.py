"""The drill compliance engine: a pure function of (rules, calendar, drills, as-of date).

For every requirement instance (rule x period) it answers how many drills counted, by
when they were due, and a status:

- ``met``: enough drills on or before the deadline;
- ``late``: enough drills, but only after the deadline;
- ``due``: not enough yet, the window is open and the deadline is ahead (or today);
- ``overdue``: not enough, the deadline has passed;
- ``upcoming``: the window has not opened yet;
- ``not_required``: e.g. a month with fewer school days than the rule's minimum.

Only drills on or before ``as_of`` count, so the engine can answer "how did it look on
that day?" as well as "how does it look today?".
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from safetyops.calendar.domain import SchoolCalendar, Term, school_year_label, school_year_of

PERIODS = ("term", "month", "school_year")


class RequirementStatus(enum.StrEnum):
    """A requirement's status (meanings in the module docstring)."""

    MET = "met"
    LATE = "late"
    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    NOT_REQUIRED = "not_required"


STATUSES = tuple(RequirementStatus)


@dataclass(frozen=True)
class Rule:
    id: str
    drill: str
    period: str = "term"
    count: int = 1
    also_counts: tuple[str, ...] = ()
    within_days: int | None = None
    not_before_day: int | None = None
    deadline: tuple[int, int] | None = None  # (month, day)
    day_basis: str = "calendar"  # "calendar" | "school"
    first_day_is: int = 1  # calendar basis: is the period's first day day 1 or day 0?
    roll_forward: bool = False
    min_school_days: int = 0
    real_events_count: bool = False
    pack: str = ""
    description: str = ""

    @property
    def counted_types(self) -> frozenset[str]:
        return frozenset((self.drill, *self.also_counts))


@dataclass(frozen=True)
class DrillFact:
    """What the engine needs of a drill record: its type, its local date, real or practice."""

    id: int
    drill: str
    day: date
    real_event: bool = False


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class Requirement:
    rule: str
    drill: str
    period: str
    window_start: date
    deadline: date
    required: int
    counted: int
    status: RequirementStatus
    drills: tuple[int, ...] = field(default=())
    pack: str = ""
    period_end: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "drill": self.drill,
            "period": self.period,
            "window_start": self.window_start.isoformat(),
            "deadline": self.deadline.isoformat(),
            "required": self.required,
            "counted": self.counted,
            "status": self.status,
            "drills": list(self.drills),
        }


def periods(rule: Rule, calendar: SchoolCalendar, school_year: int | None = None) -> list[Period]:
    """The periods ``rule`` applies to, optionally only those of one school year."""
    terms = [
        t for t in calendar.terms if school_year is None or school_year_of(t.start) == school_year
    ]
    if not terms:
        return []
    if rule.period == "term":
        return [Period(t.name, t.start, t.end) for t in terms]
    if rule.period == "school_year":
        by_year: dict[int, list[Term]] = {}
        for term in terms:
            by_year.setdefault(school_year_of(term.start), []).append(term)
        return [
            Period(school_year_label(year), ts[0].start, max(t.end for t in ts))
            for year, ts in sorted(by_year.items())
        ]
    # Months in session: every calendar month that overlaps a term.
    months: set[tuple[int, int]] = set()
    for term in terms:
        year, month = term.start.year, term.start.month
        while (year, month) <= (term.end.year, term.end.month):
            months.add((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [Period(f"{y:04d}-{m:02d}", date(y, m, 1), _month_end(y, m)) for y, m in sorted(months)]


def _month_end(year: int, month: int) -> date:
    first_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_next - timedelta(days=1)


def _day_n(rule: Rule, calendar: SchoolCalendar, start: date, n: int) -> date:
    """Day ``n`` of a period that starts on ``start``, counted the rule's way."""
    if rule.day_basis == "school":
        # School days are counted from the first school day of the period, which is day 1
        # (or day 0 when the rule says so).
        nth = calendar.nth_school_day(start, n + (1 - rule.first_day_is))
        if nth is not None:
            return nth
        # Past the calendar's last school day: count on in calendar days.
        return start + timedelta(days=n)
    return start + timedelta(days=n - rule.first_day_is)


def _fixed_date(period: Period, month: int, day: int) -> date:
    """The MM-DD date inside (or first on or after the start of) ``period``."""
    for year in (period.start.year, period.start.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 02-29 in a common year: the last day of February
            candidate = date(year, 3, 1) - timedelta(days=1)
        if candidate >= period.start:
            return candidate
    return period.end


def window(rule: Rule, calendar: SchoolCalendar, period: Period) -> tuple[date, date]:
    """(first day a drill counts, deadline) of ``rule`` in ``period``."""
    opens = period.start
    if rule.not_before_day is not None:
        opens = max(opens, _day_n(rule, calendar, period.start, rule.not_before_day))
    deadline = period.end
    if rule.within_days is not None:
        deadline = min(deadline, _day_n(rule, calendar, period.start, rule.within_days))
    if rule.deadline is not None:
        deadline = min(deadline, _fixed_date(period, *rule.deadline))
    if rule.roll_forward and not calendar.is_school_day(deadline):
        deadline = calendar.next_school_day(deadline) or deadline
    return opens, max(deadline, opens)


@functools.lru_cache(maxsize=4096)
def schedule(
    rule: Rule, calendar: SchoolCalendar, school_year: int | None
) -> tuple[tuple[Period, date, date, bool], ...]:
    """(period, first day a drill counts, deadline, required at all) of each period of
    ``rule``: the part of an evaluation that depends on no drill. Cached: a district's
    campuses share their calendar and rules, so the district matrix works each one out
    once, not once per campus (issue 16)."""
    out = []
    for period in periods(rule, calendar, school_year):
        opens, deadline = window(rule, calendar, period)
        in_session = rule.period != "month" or calendar.school_days_between(
            period.start, period.end
        ) >= max(1, rule.min_school_days)
        out.append((period, opens, deadline, in_session))
    return tuple(out)


def evaluate_rule(
    rule: Rule,
    calendar: SchoolCalendar,
    drills: Sequence[DrillFact],
    as_of: date,
    school_year: int | None = None,
) -> list[Requirement]:
    types = rule.counted_types  # a new frozenset on each access: once per rule, not drill
    candidates = sorted(
        (
            d
            for d in drills
            if d.drill in types and d.day <= as_of and (rule.real_events_count or not d.real_event)
        ),
        key=lambda d: (d.day, d.id),
    )
    out = []
    for period, opens, deadline, in_session in schedule(rule, calendar, school_year):
        counted = [d for d in candidates if opens <= d.day <= period.end]
        on_time = [d for d in counted if d.day <= deadline]
        required = rule.count
        if not in_session:
            status = RequirementStatus.NOT_REQUIRED
        elif len(on_time) >= required:
            status = RequirementStatus.MET
        elif len(counted) >= required:
            status = RequirementStatus.LATE
        elif as_of < opens:
            status = RequirementStatus.UPCOMING
        elif as_of <= deadline:
            status = RequirementStatus.DUE
        else:
            status = RequirementStatus.OVERDUE
        out.append(
            Requirement(
                rule=rule.id,
                drill=rule.drill,
                period=period.label,
                window_start=opens,
                deadline=deadline,
                required=required,
                counted=len(counted),
                status=status,
                drills=(
                    tuple(d.id for d in counted) if status != RequirementStatus.NOT_REQUIRED else ()
                ),
                pack=rule.pack,
                period_end=period.end,
            )
        )
    return out


def evaluate(
    rules: Iterable[Rule],
    calendar: SchoolCalendar,
    drills: Sequence[DrillFact],
    as_of: date,
    school_year: int | None = None,
) -> list[Requirement]:
    """Every requirement instance of ``rules``, ordered by deadline then rule id.

    ``school_year`` (its first calendar year) limits the periods to one school year.
    """
    out = [
        req for rule in rules for req in evaluate_rule(rule, calendar, drills, as_of, school_year)
    ]
    out.sort(key=lambda r: (r.deadline, r.rule, r.period))
    return out


def days_left(requirement: Requirement, as_of: date) -> int:
    return (requirement.deadline - as_of).days


# ---- staff training (a rule kind of its own: [[training]] in a rule pack) -----------------


@dataclass(frozen=True)
class TrainingRule:
    """Staff must be trained in each of ``protocols`` ``count`` times per period (by
    ``within_days`` of its start, or by its end). Each protocol is its own requirement."""

    id: str
    protocols: tuple[str, ...]
    period: str = "school_year"
    count: int = 1
    within_days: int | None = None
    pack: str = ""
    description: str = ""


@dataclass(frozen=True)
class TrainingFact:
    """A staff training session: its protocol and day (attendance does not count here)."""

    id: int
    protocol: str
    day: date


def evaluate_training(
    rules: Iterable[TrainingRule],
    calendar: SchoolCalendar,
    sessions: Sequence[TrainingFact],
    as_of: date,
    school_year: int | None = None,
) -> list[Requirement]:
    """One requirement per rule, protocol and period, with the drill requirements' statuses
    (``drill`` holds the protocol, ``drills`` the counted sessions' ids)."""
    out = []
    for rule in rules:
        # The periods of a drill rule of the same shape (terms, months or school years).
        shape = Rule(id=rule.id, drill="", period=rule.period, within_days=rule.within_days)
        for period in periods(shape, calendar, school_year):
            opens, deadline = window(shape, calendar, period)
            for protocol in rule.protocols:
                counted = sorted(
                    (
                        s
                        for s in sessions
                        if s.protocol == protocol and opens <= s.day <= min(period.end, as_of)
                    ),
                    key=lambda s: (s.day, s.id),
                )
                on_time = [s for s in counted if s.day <= deadline]
                if len(on_time) >= rule.count:
                    status = RequirementStatus.MET
                elif len(counted) >= rule.count:
                    status = RequirementStatus.LATE
                elif as_of < opens:
                    status = RequirementStatus.UPCOMING
                elif as_of <= deadline:
                    status = RequirementStatus.DUE
                else:
                    status = RequirementStatus.OVERDUE
                out.append(
                    Requirement(
                        rule=rule.id,
                        drill=protocol,
                        period=period.label,
                        window_start=opens,
                        deadline=deadline,
                        required=rule.count,
                        counted=len(counted),
                        status=status,
                        drills=tuple(s.id for s in counted),
                        pack=rule.pack,
                        period_end=period.end,
                    )
                )
    out.sort(key=lambda r: (r.deadline, r.rule, r.period, r.drill))
    return out
