"""When rounds are expected and which were missed. Pure: no Flask, no database, no clock.

A plan says on which weekdays (and whether only on school days) it runs and in which
local time windows. Each (plan, date, window) is an *instance*. An instance is **missed**
when no completed round of that plan started within the window (allowing the grace
period early) and finished by the window's end plus the grace period, and that moment has
passed.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class PlanSpec:
    id: int
    campus_id: int
    timezone: str
    weekdays: frozenset[int]  # ISO weekdays, Monday = 1
    school_days_only: bool
    windows: tuple[tuple[time, time], ...]
    grace: timedelta
    name: str = ""


@dataclass(frozen=True)
class Instance:
    plan_id: int
    campus_id: int
    day: date
    window_start: datetime  # aware, UTC
    window_end: datetime
    due_by: datetime  # window end + grace

    def key(self) -> str:
        # Not strftime: a district report keys some 20,000 instances twice (issue 16).
        start = self.window_start
        return f"{self.plan_id}:{self.day.isoformat()}:{start.hour:02d}{start.minute:02d}"


@dataclass(frozen=True)
class WalkedRound:
    plan_id: int
    started_at: datetime
    completed_at: datetime | None


def weekday_school_day(day: date) -> bool:
    """Until the school calendar exists, school days are Monday to Friday."""
    return day.isoweekday() <= 5


def _days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def expected_instances(
    plans: Iterable[PlanSpec],
    start: date,
    end: date,
    is_school_day: Callable[[int, date], bool] | None = None,
) -> list[Instance]:
    """Every expected instance of ``plans`` for local dates ``start``..``end`` inclusive.

    ``is_school_day(campus_id, day)`` answers for plans that run on school days only.
    """
    school = is_school_day or (lambda _campus, day: weekday_school_day(day))
    instances = []
    for plan in plans:
        for day in _days(start, end):
            if day.isoweekday() not in plan.weekdays:
                continue
            if plan.school_days_only and not school(plan.campus_id, day):
                continue
            for opens, closes in plan.windows:
                window_start = _utc(day, opens, plan.timezone)
                window_end = _utc(day, closes, plan.timezone)
                if window_end <= window_start:  # a window past midnight
                    window_end = _utc(day + timedelta(days=1), closes, plan.timezone)
                instances.append(
                    Instance(
                        plan.id,
                        plan.campus_id,
                        day,
                        window_start,
                        window_end,
                        window_end + plan.grace,
                    )
                )
    instances.sort(key=lambda i: (i.window_start, i.plan_id))
    return instances


@functools.lru_cache(maxsize=16384)
def _utc(day: date, moment: time, zone: str) -> datetime:
    """A local wall-clock time on ``day`` at ``zone``, in UTC. Cached: a district's plans
    share a few zones and windows, and a report expands 9 weeks of them (issue 16)."""
    return datetime.combine(day, moment, ZoneInfo(zone)).astimezone(UTC)


def match_rounds(
    instances: Sequence[Instance], rounds: Iterable[WalkedRound], grace_of: dict[int, timedelta]
) -> dict[str, WalkedRound]:
    """Pair each instance with at most one completed round that fulfils it: the earliest
    unused round of the plan that started in the window (up to the grace early) and was
    finished by the deadline."""
    by_plan: dict[int, list[WalkedRound]] = {}
    for walked in rounds:
        if walked.completed_at is not None:
            by_plan.setdefault(walked.plan_id, []).append(walked)
    starts: dict[int, list[datetime]] = {}
    for plan_id, plan_rounds in by_plan.items():
        plan_rounds.sort(key=lambda r: r.started_at)
        starts[plan_id] = [r.started_at for r in plan_rounds]
    matched: dict[str, WalkedRound] = {}
    used: set[int] = set()
    for instance in instances:
        candidates = by_plan.get(instance.plan_id)
        if not candidates:
            continue
        early = grace_of.get(instance.plan_id, timedelta())
        # Jump to the first round that started in the window (bisect), not the plan's first.
        position = bisect_left(starts[instance.plan_id], instance.window_start - early)
        for candidate in candidates[position:]:
            if candidate.started_at > instance.due_by:
                break
            finished = candidate.completed_at
            if id(candidate) in used or finished is None or finished > instance.due_by:
                continue
            matched[instance.key()] = candidate
            used.add(id(candidate))
            break
    return matched


def missed_instances(
    plans: Sequence[PlanSpec],
    rounds: Iterable[WalkedRound],
    start: date,
    end: date,
    now: datetime,
    is_school_day: Callable[[int, date], bool] | None = None,
) -> list[Instance]:
    """Instances whose deadline (window end + grace) has passed with no completed round."""
    instances = expected_instances(plans, start, end, is_school_day)
    matched = match_rounds(instances, rounds, {p.id: p.grace for p in plans})
    return [i for i in instances if i.due_by < now and i.key() not in matched]


# How far ahead "next" looks: long enough to see past a winter break.
LOOKAHEAD_DAYS = 21


def due_now_and_next(
    plans: Sequence[PlanSpec],
    rounds: Iterable[WalkedRound],
    now: datetime,
    is_school_day: Callable[[int, date], bool] | None = None,
) -> tuple[list[Instance], list[Instance]]:
    """For an officer's home: instances open now and not yet walked, and the next ones."""
    today = now.date()
    instances = expected_instances(
        plans, today - timedelta(days=1), today + timedelta(days=LOOKAHEAD_DAYS), is_school_day
    )
    matched = match_rounds(instances, rounds, {p.id: p.grace for p in plans})
    open_now = [
        i
        for i in instances
        if i.window_start - _early(plans, i) <= now <= i.due_by and i.key() not in matched
    ]
    upcoming = [i for i in instances if i.window_start > now]
    upcoming_by_plan: dict[int, Instance] = {}
    for instance in upcoming:
        upcoming_by_plan.setdefault(instance.plan_id, instance)
    return open_now, sorted(upcoming_by_plan.values(), key=lambda i: i.window_start)


def _early(plans: Sequence[PlanSpec], instance: Instance) -> timedelta:
    for plan in plans:
        if plan.id == instance.plan_id:
            return plan.grace
    return timedelta()


WINDOWS_MAX = 12
WINDOW_MAX_MINUTES = 12 * 60


def parse_windows(text: str) -> tuple[tuple[time, time], ...]:
    """``"06:45-07:30, 15:45-16:30"`` -> ((06:45, 07:30), (15:45, 16:30)). Raises ValueError."""
    windows = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            opens, closes = (time.fromisoformat(p.strip()) for p in part.split("-"))
        except ValueError as exc:
            raise ValueError(f"{part!r} is not a window like 06:45-07:30") from exc
        if opens == closes:
            raise ValueError(f"{part!r} opens and closes at the same time")
        if _minutes_open(opens, closes) > WINDOW_MAX_MINUTES:
            raise ValueError(f"{part!r} is open longer than 12 hours (opening after closing?)")
        windows.append((opens, closes))
        if len(windows) > WINDOWS_MAX:
            raise ValueError(f"at most {WINDOWS_MAX} windows a day")
    if not windows:
        raise ValueError("give at least one time window, like 06:45-07:30")
    return tuple(sorted(windows))


def _minutes_open(opens: time, closes: time) -> int:
    """Minutes a window is open; one that closes earlier than it opens runs past midnight."""
    start, end = opens.hour * 60 + opens.minute, closes.hour * 60 + closes.minute
    return end - start if end > start else end + 24 * 60 - start


def format_windows(windows: Iterable[tuple[time, time]]) -> str:
    return ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in windows)
