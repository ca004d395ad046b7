"""What to tell whom about drill requirements on a given day. Pure: no clock, no DB.

Each notice has a key that names exactly what it is about (campus, rule, period, and the
lead time or overdue week), so the caller can store it once per recipient and a second run
finds nothing new. Catch-up is built in: only the *current* step is due (the tightest lead
time already reached, the current overdue week), never every step missed while the
scheduler was down.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from safetyops.compliance.engine import Requirement

DEFAULT_LEAD_DAYS = (14, 7, 3, 1, 0)
# A "requirement met" confirmation only for drills logged this recently (no confirmations
# for last month's drills the first time the scheduler runs).
MET_CONFIRMATION_DAYS = 3


@dataclass(frozen=True)
class Notice:
    kind: str  # drill_due | drill_met | drill_overdue
    key: str  # unique per campus + requirement + step; the caller adds the recipient
    audience: str  # campus (principal and officers) | district (safety department)
    requirement: Requirement
    days: int  # days left (due), days late (overdue), 0 otherwise


def _req_key(campus_code: str, req: Requirement) -> str:
    return f"{campus_code}:{req.pack}:{req.rule}:{req.period}"


def current_lead(days_left: int, lead_days: Sequence[int]) -> int | None:
    """The tightest lead time already reached: 5 days left with (14, 7, 3) -> 7."""
    reached = [lead for lead in lead_days if days_left <= lead]
    return min(reached) if reached else None


def drill_notices(
    campus_code: str,
    requirements: Iterable[Requirement],
    as_of: date,
    drill_days: dict[int, date] | None = None,
    lead_days: Sequence[int] = DEFAULT_LEAD_DAYS,
    pack_lead_days: Mapping[str, Sequence[int]] | None = None,
) -> list[Notice]:
    """Reminders before deadlines, a confirmation when met, escalation when overdue
    (the day after the deadline, then weekly until met). ``drill_days`` maps drill ids
    to their dates (for the confirmation); ``pack_lead_days`` overrides ``lead_days`` for
    the rules of a pack."""
    pack_lead_days = pack_lead_days or {}
    out = []
    for req in requirements:
        key = _req_key(campus_code, req)
        days_left = (req.deadline - as_of).days
        if req.status in ("due", "upcoming"):
            lead = current_lead(days_left, pack_lead_days.get(req.pack, lead_days))
            if lead is not None and days_left >= 0:
                out.append(Notice("drill_due", f"due:{key}:{lead}", "campus", req, days_left))
        elif req.status == "overdue":
            week = (-days_left - 1) // 7  # days 1-7 late: week 0 (at once), 8-14: week 1...
            out.append(
                Notice("drill_overdue", f"overdue:{key}:w{week}", "district", req, -days_left)
            )
        elif req.status in ("met", "late") and req.drills and drill_days:
            last = max((drill_days[i] for i in req.drills if i in drill_days), default=None)
            if last is not None and 0 <= (as_of - last).days <= MET_CONFIRMATION_DAYS:
                out.append(Notice("drill_met", f"met:{key}", "campus", req, 0))
    return out
