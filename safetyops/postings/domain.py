"""Pure rules of public drill postings: when a drill became public, the running count of
each required type, the posting deadline and the reschedule deadline of a cancelled drill.

No Flask, no database, no clock: the callers pass the calendar, the facts and the as-of
date, so any past day can be replayed (as the compliance engine does). Statuses are the
engine's: ``met`` (done by the deadline), ``late`` (done after it), ``due`` (not done,
deadline today or ahead) and ``overdue``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from safetyops.calendar.domain import SchoolCalendar, school_year_of
from safetyops.compliance.engine import DrillFact, Requirement, RequirementStatus

# Drill records stay public for the current school year and the two before it (Michigan:
# kept for 3 years).
RETENTION_YEARS = 3


# ---- when a drill became public ----------------------------------------------------------


@dataclass(frozen=True)
class OptInPeriod:
    """A span during which the campus's postings were public (closed None: still open)."""

    opened: datetime
    closed: datetime | None = None


def posted_at(signed_off: datetime | None, periods: Iterable[OptInPeriod]) -> datetime | None:
    """The first moment the drill was public: signed off and inside an opt-in period."""
    if signed_off is None:
        return None
    moments = [
        max(signed_off, p.opened) for p in periods if p.closed is None or p.closed > signed_off
    ]
    return min(moments) if moments else None


def is_open(periods: Iterable[OptInPeriod]) -> bool:
    return any(p.closed is None for p in periods)


def retained_years(today: date) -> list[int]:
    """School years (their first calendar year) shown publicly on ``today``, newest first."""
    current = school_year_of(today)
    return [current - n for n in range(RETENTION_YEARS)]


# ---- running counts ----------------------------------------------------------------------


def required_per_type(requirements: Iterable[Requirement]) -> dict[str, int]:
    """How many drills of each type a school year requires.

    A rule's yearly total is the sum of its periods' counts (months not required left
    out); several rules about one type overlap (the first evacuation drill of the year is
    also that month's), so the type's figure is its most demanding rule's total.
    """
    per_rule: dict[tuple[str, str, str], int] = {}
    for req in requirements:
        if req.status == RequirementStatus.NOT_REQUIRED:
            continue
        key = (req.pack, req.rule, req.drill)
        per_rule[key] = per_rule.get(key, 0) + req.required
    out: dict[str, int] = {}
    for (_pack, _rule, drill), total in per_rule.items():
        out[drill] = max(out.get(drill, 0), total)
    return out


@dataclass(frozen=True)
class PostedFact:
    """A drill as the public sees it: id, type, when (for order)."""

    id: int
    drill: str
    started: datetime


@dataclass(frozen=True)
class RunningCount:
    drill_id: int
    drill: str
    number: int  # this is the type's n-th posted drill of the school year
    required: int | None  # the year's required count, None if no rule requires the type


def running_counts(
    drills: Sequence[PostedFact], required: dict[str, int]
) -> dict[int, RunningCount]:
    """Each drill's place among the posted drills of its type in one school year."""
    seen: dict[str, int] = {}
    out: dict[int, RunningCount] = {}
    for fact in sorted(drills, key=lambda d: (d.started, d.id)):
        seen[fact.drill] = seen.get(fact.drill, 0) + 1
        out[fact.id] = RunningCount(fact.id, fact.drill, seen[fact.drill], required.get(fact.drill))
    return out


# ---- deadlines counted in school days ----------------------------------------------------


def school_days_after(calendar: SchoolCalendar, day: date, n: int) -> date:
    """The ``n``-th school day after ``day`` (``day`` itself not counted).

    Past the last term entered in the calendar, the campus's school weekdays are counted
    instead (next year's calendar may not be entered yet), so a deadline always exists.
    """
    nth = calendar.nth_school_day(day + timedelta(days=1), n)
    if nth is not None:
        return nth
    counted = calendar.school_days_between(day + timedelta(days=1), date.max)
    cursor = day
    if counted:
        last = calendar.nth_school_day(day + timedelta(days=1), counted)
        cursor = last if last is not None else day
    remaining = n - counted
    weekdays = calendar.weekdays or frozenset({1, 2, 3, 4, 5})
    while remaining > 0:
        cursor += timedelta(days=1)
        if cursor.isoweekday() in weekdays:
            remaining -= 1
    return cursor


def _status(done_on: date | None, deadline: date, as_of: date) -> RequirementStatus:
    if done_on is not None and done_on <= as_of:
        return RequirementStatus.MET if done_on <= deadline else RequirementStatus.LATE
    return RequirementStatus.DUE if as_of <= deadline else RequirementStatus.OVERDUE


@dataclass(frozen=True)
class PostingFact:
    """A practice drill of an opted-in (or not) campus: its day, sign-off, posting day."""

    id: int
    drill: str
    day: date
    signed_off: bool
    posted_on: date | None  # campus-local day it became public; None: never


@dataclass(frozen=True)
class PostingDeadline:
    drill_id: int
    drill: str
    day: date
    deadline: date
    posted_on: date | None
    signed_off: bool
    status: RequirementStatus


def posting_deadlines(
    drills: Iterable[PostingFact], calendar: SchoolCalendar, within_school_days: int, as_of: date
) -> list[PostingDeadline]:
    """Every drill held on or before ``as_of`` must be public within N school days.

    A drill not signed off cannot be posted, so it counts as unposted (its deadline runs
    all the same). A posting after ``as_of`` is not known on that day.
    """
    out = []
    for fact in drills:
        if fact.day > as_of:
            continue
        deadline = school_days_after(calendar, fact.day, within_school_days)
        out.append(
            PostingDeadline(
                drill_id=fact.id,
                drill=fact.drill,
                day=fact.day,
                deadline=deadline,
                posted_on=fact.posted_on if fact.posted_on and fact.posted_on <= as_of else None,
                signed_off=fact.signed_off,
                status=_status(fact.posted_on, deadline, as_of),
            )
        )
    out.sort(key=lambda d: (d.deadline, d.drill_id))
    return out


@dataclass(frozen=True)
class CancellationFact:
    id: int
    drill: str
    day: date  # the day the drill was to be held
    kind: str


@dataclass(frozen=True)
class RescheduleDeadline:
    cancellation_id: int
    drill: str
    day: date
    kind: str
    deadline: date
    made_up_by: int | None  # the drill that made it up
    made_up_on: date | None
    status: RequirementStatus


def reschedule_deadlines(
    cancellations: Iterable[CancellationFact],
    drills: Sequence[DrillFact],
    calendar: SchoolCalendar,
    within_school_days: int,
    as_of: date,
) -> list[RescheduleDeadline]:
    """A cancelled or missed drill must be held within N school days of its day.

    A practice drill of the same type held on or after the cancelled day (and on or before
    ``as_of``) makes it up; each drill makes up one cancellation, the earliest deadline
    first. Real events do not make up a drill.
    """
    pending = sorted(
        (c for c in cancellations if c.day <= as_of),
        key=lambda c: (school_days_after(calendar, c.day, within_school_days), c.id),
    )
    available = sorted(
        (d for d in drills if not d.real_event and d.day <= as_of), key=lambda d: (d.day, d.id)
    )
    used: set[int] = set()
    out = []
    for cancel in pending:
        deadline = school_days_after(calendar, cancel.day, within_school_days)
        match = next(
            (
                d
                for d in available
                if d.id not in used and d.drill == cancel.drill and d.day >= cancel.day
            ),
            None,
        )
        if match is not None:
            used.add(match.id)
        out.append(
            RescheduleDeadline(
                cancellation_id=cancel.id,
                drill=cancel.drill,
                day=cancel.day,
                kind=cancel.kind,
                deadline=deadline,
                made_up_by=match.id if match else None,
                made_up_on=match.day if match else None,
                status=_status(match.day if match else None, deadline, as_of),
            )
        )
    return out


# ---- rule pack tables --------------------------------------------------------------------

# [posting]: each drill record public within N school days of the drill.
# [reschedule]: a cancelled or missed drill held within N school days of its day.
DEADLINE_TABLES = ("posting", "reschedule")
DEADLINE_FIELDS = frozenset({"within_school_days", "description"})


def parse_deadline_tables(data: dict[str, object], errors: list[str]) -> dict[str, int]:
    """``within_school_days`` of the pack's ``[posting]`` and ``[reschedule]`` tables (those
    present), each problem appended to ``errors`` naming the table and field."""
    out: dict[str, int] = {}
    for name in DEADLINE_TABLES:
        if name not in data:
            continue
        table = data[name]
        if not isinstance(table, dict):
            errors.append(f"[{name}] must be a table")
            continue
        for key in table:
            if key not in DEADLINE_FIELDS:
                errors.append(f"[{name}]: unknown field {key!r}")
        days = table.get("within_school_days")
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
            errors.append(
                f"[{name}]: within_school_days must be a whole number 1 to 365, got {days!r}"
            )
            continue
        out[name] = days
    return out


def strictest(values: Iterable[int | None]) -> int | None:
    """Several packs on one campus: the shortest deadline applies."""
    present = [v for v in values if v is not None]
    return min(present) if present else None
