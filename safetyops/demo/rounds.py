"""Demo round plans and several weeks of believable round history.

Mostly OK; a few findings; a few missed rounds; and one door (AVE Door 3, the gym) that
keeps being found propped open, so the repeat-offender flag has something to show.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from safetyops.accounts.models import Role, User
from safetyops.calendar.operations import school_day_checker
from safetyops.campuses.models import Campus
from safetyops.extensions import db
from safetyops.findings.models import ActionTaken, Finding, FindingStatus
from safetyops.rounds import domain
from safetyops.rounds import operations as rounds_service
from safetyops.rounds.models import Round, RoundResult

PLANS = [
    (
        "Morning exterior door check",
        "exterior_door_check",
        "06:45-07:30",
        ("exterior_door", "gate"),
    ),
    (
        "Afternoon exterior door check",
        "exterior_door_check",
        "15:45-16:30",
        ("exterior_door", "gate"),
    ),
    (
        "Perimeter and parking-lot sweep",
        "perimeter_sweep",
        "11:30-12:30",
        ("perimeter", "parking_lot", "gate"),
    ),
]
PROPPED_DOOR = ("AVE", "Door 3 - Gym east")
HISTORY_DAYS = 28
KINDS = ["unlocked", "unlocked", "damaged", "lighting_out", "obstruction", "lock_fault", "other"]
NOTES = {
    "unlocked": "Found unlocked, no one around.",
    "propped_open": "Propped with a wedge near the gym.",
    "damaged": "Strike plate bent; door closes but does not latch well.",
    "lighting_out": "Exterior light over the door is out.",
    "obstruction": "Pallets stacked in front of the exit.",
    "lock_fault": "Card reader shows a red light; door unlocks by hand.",
    "other": "Graffiti on the door frame.",
}


def load_demo_rounds(campuses: dict[str, Campus], users: dict[str, User], now: datetime) -> dict:
    rng = random.Random(20261122)  # the same demo every time
    plans = []
    for campus in campuses.values():
        for name, kind, windows, kinds in PLANS:
            ids = [cp.id for cp in campus.checkpoints if cp.kind in kinds]
            plans.append(
                rounds_service.save_plan(
                    campus,
                    {
                        "name": name,
                        "kind": kind,
                        "weekdays": [1, 2, 3, 4, 5],
                        "windows": windows,
                        "school_days_only": True,
                        "grace_minutes": 15,
                        "checkpoint_ids": ids,
                    },
                    commit=False,
                )
            )
    db.session.flush()
    officers_of = {
        c.id: [u for u in c.staff if u.role == Role.OFFICER]
        or [u for u in users.values() if u.role == Role.OFFICER][:1]
        for c in campuses.values()
    }
    specs = [rounds_service.plan_spec(p) for p in plans]
    by_id = {p.id: p for p in plans}
    start = (now - timedelta(days=HISTORY_DAYS)).date()
    is_school_day = school_day_checker(campuses.values())
    instances = [
        i
        for i in domain.expected_instances(specs, start, now.date(), is_school_day)
        if i.due_by < now
    ]
    counts = {"rounds": 0, "results": 0, "findings": 0, "missed": 0}
    for instance in instances:
        if rng.random() < 0.04:
            counts["missed"] += 1
            continue
        plan = by_id[instance.plan_id]
        officer = rng.choice(officers_of[plan.campus_id])
        started = instance.window_start + timedelta(minutes=rng.randint(0, 12))
        round_ = Round(
            campus_id=plan.campus_id,
            plan=plan,
            officer=officer,
            started_at=started,
            checkpoint_ids=[s.checkpoint_id for s in plan.stops],
        )
        db.session.add(round_)
        moment = started
        for stop in plan.stops:
            moment += timedelta(seconds=rng.randint(40, 150))
            result = RoundResult(
                id=str(uuid.uuid4()),
                round=round_,
                checkpoint_id=stop.checkpoint_id,
                status="ok",
                recorded_at=moment,
                received_at=moment + timedelta(seconds=1),
            )
            propped = (plan.campus.code, stop.checkpoint.name) == PROPPED_DOOR
            if (propped and rng.random() < 0.3) or rng.random() < 0.015:
                _add_finding(
                    result, round_, "propped_open" if propped else rng.choice(KINDS), rng, now
                )
                counts["findings"] += 1
            db.session.add(result)
            counts["results"] += 1
        round_.completed_at = moment + timedelta(seconds=30)
        counts["rounds"] += 1
    db.session.flush()
    return counts


def _add_finding(
    result: RoundResult, round_: Round, kind: str, rng: random.Random, now: datetime
) -> None:
    result.status = "problem"
    result.finding_kind = kind
    result.note = NOTES[kind]
    if kind in ("unlocked", "propped_open") and rng.random() < 0.7:
        result.action_taken = ActionTaken.SECURED
    else:
        result.action_taken = rng.choice(
            [ActionTaken.REPORTED_FACILITIES, ActionTaken.CALLED_SUPERVISOR, ActionTaken.NONE]
        )
    finding = Finding(
        result=result,
        campus_id=round_.campus_id,
        checkpoint_id=result.checkpoint_id,
        kind=kind,
        opened_at=result.recorded_at,
    )
    age = now - result.recorded_at
    if result.action_taken == ActionTaken.SECURED:
        finding.status = FindingStatus.RESOLVED
        finding.resolved_at = result.recorded_at
        finding.resolved_by_id = round_.officer.id
        finding.resolution = "secured on the spot"
    elif age > timedelta(days=10) and rng.random() < 0.8:
        finding.status = FindingStatus.RESOLVED
        finding.resolved_at = result.recorded_at + timedelta(days=rng.randint(1, 4))
        finding.resolution = "Facilities repaired it."
    elif age > timedelta(days=2) and rng.random() < 0.5:
        finding.status = FindingStatus.ACKNOWLEDGED
        finding.acknowledged_at = result.recorded_at + timedelta(hours=rng.randint(1, 20))
    db.session.add(finding)
