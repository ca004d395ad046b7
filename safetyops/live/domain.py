"""Live drill rules, pure: which tap counts as an area's clear time (the earliest, however
late its request arrived), the durations a drill record stores, the problems the taps
reported, and which tablet times are believable."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from safetyops.drills.domain import DrillType


class TapIssue(enum.StrEnum):
    """What went wrong in an area, reported with its "clear" tap."""

    DOOR_WOULD_NOT_LOCK = "door_would_not_lock"
    ROOM_NOT_FOUND = "room_not_found"
    STUDENT_OUTSIDE_AREA = "student_outside_area"
    PA_NOT_HEARD = "pa_not_heard"
    RADIO_FAILURE = "radio_failure"
    BLOCKED_EXIT = "blocked_exit"
    OTHER = "other"


# A live drill practises one of the five SRP actions (the drills area's enumeration).
LIVE_ACTIONS: tuple[str, ...] = (
    DrillType.HOLD,
    DrillType.SECURE,
    DrillType.LOCKDOWN,
    DrillType.EVACUATE,
    DrillType.SHELTER,
)

# A tap's issue as the drill record's problem checklist names it (drills.schemas).
ISSUE_PROBLEMS: dict[str, str] = {
    TapIssue.DOOR_WOULD_NOT_LOCK: "door_would_not_lock",
    TapIssue.ROOM_NOT_FOUND: "accountability_gap",
    TapIssue.STUDENT_OUTSIDE_AREA: "accountability_gap",
    TapIssue.PA_NOT_HEARD: "alarm_not_heard",
    TapIssue.RADIO_FAILURE: "communication_failure",
    TapIssue.BLOCKED_EXIT: "blocked_exit",
    TapIssue.OTHER: "other",
}

# A tablet's clock may run a little off; a tap this far outside the drill is refused.
CLOCK_SLACK = timedelta(minutes=2)


@dataclass(frozen=True)
class Tap:
    id: str
    area: int
    at: datetime
    by: int
    issue: str = ""
    note: str = ""


@dataclass(frozen=True)
class Result:
    """What ending a drill stores: per area, seconds from the start to its first clear
    tap (None: never reported clear), and the time until every area was clear."""

    area_seconds: dict[int, int | None]
    all_clear_seconds: int | None

    @property
    def uncleared(self) -> list[int]:
        return [area for area, seconds in self.area_seconds.items() if seconds is None]


def first_clear(taps: Iterable[Tap]) -> dict[int, Tap]:
    """The tap that cleared each area: the earliest by the tablet's time (ties: the smaller
    id, so every server and every replay agrees). Later taps stay on record."""
    first: dict[int, Tap] = {}
    for tap in taps:
        best = first.get(tap.area)
        if best is None or (tap.at, tap.id) < (best.at, best.id):
            first[tap.area] = tap
    return first


def seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds from ``start`` to ``end`` (never negative)."""
    return max(0, int((end - start).total_seconds()))


def result(started_at: datetime, areas: Sequence[int], taps: Iterable[Tap]) -> Result:
    """Per-area times and the time to all areas clear (the time to full lockdown, the
    evacuation time): the slowest area, or None while any area is not clear."""
    first = first_clear(t for t in taps if t.area in set(areas))
    per_area = {
        area: seconds_between(started_at, first[area].at) if area in first else None
        for area in areas
    }
    times = list(per_area.values())
    all_clear = None
    if times and all(t is not None for t in times):
        all_clear = max(t for t in times if t is not None)
    return Result(per_area, all_clear)


def problems(taps: Iterable[Tap]) -> list[str]:
    """The drill record's problem checklist from the issues the taps reported."""
    return sorted({ISSUE_PROBLEMS[t.issue] for t in taps if t.issue in ISSUE_PROBLEMS})


def reported_issues(taps: Iterable[Tap]) -> list[Tap]:
    """Taps that reported an issue or a note, in the order they happened."""
    return sorted((t for t in taps if t.issue or t.note), key=lambda t: (t.at, t.id))


class TapTime(enum.StrEnum):
    """Why a tablet's time for a tap cannot be used."""

    FUTURE = "future"
    BEFORE_START = "before_start"
    AFTER_END = "after_end"


def tap_time(
    tapped_at: datetime | None,
    started_at: datetime,
    now: datetime,
    ended_at: datetime | None = None,
) -> datetime | TapTime:
    """The time a tap is stored with: the tablet's time (a tap queued offline arrives late
    but keeps when it happened), ``now`` if the tablet sent none, never before the start.
    A time from the future, from well before the start or after the end is refused."""
    at = now if tapped_at is None else tapped_at
    if at > now + CLOCK_SLACK:
        return TapTime.FUTURE
    if at < started_at - CLOCK_SLACK:
        return TapTime.BEFORE_START
    at = max(at, started_at)
    if ended_at is not None and at > ended_at:
        return TapTime.AFTER_END
    return at


def minutes_seconds(seconds: int | None) -> str:
    """``4:05`` for 245 seconds (a timer's reading); ``—`` for none."""
    if seconds is None:
        return "—"
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
