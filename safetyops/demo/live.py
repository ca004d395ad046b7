"""Demo live drill mode: areas for every campus, one finished live drill with per-area
times, and two open corrective actions from its problems."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from safetyops.accounts.models import User
from safetyops.actions.domain import ActionStatus
from safetyops.actions.models import CorrectiveAction
from safetyops.campuses.models import Campus
from safetyops.drills.models import Drill
from safetyops.drills.operations import local_date, to_utc
from safetyops.extensions import db
from safetyops.live import domain
from safetyops.live.models import AreaKind, CampusArea, LiveArea, LiveDrill, LiveStatus, LiveTap

# Areas by grade band: (name, kind) in the order officers sweep them.
AREAS = {
    "elementary": [
        ("Main building", AreaKind.BUILDING),
        ("Kindergarten wing", AreaKind.WING),
        ("Gym and cafeteria", AreaKind.BUILDING),
        ("Playground", AreaKind.FIELD),
    ],
    "middle": [
        ("A hall, 1st floor", AreaKind.FLOOR),
        ("A hall, 2nd floor", AreaKind.FLOOR),
        ("B hall", AreaKind.WING),
        ("Gym", AreaKind.BUILDING),
        ("Athletic field", AreaKind.FIELD),
    ],
    "high": [
        ("Main building, 1st floor", AreaKind.FLOOR),
        ("Main building, 2nd floor", AreaKind.FLOOR),
        ("Science wing", AreaKind.WING),
        ("Arts wing", AreaKind.WING),
        ("Field house", AreaKind.BUILDING),
        ("Stadium", AreaKind.FIELD),
    ],
}
# The finished demo drill at AVE: seconds to each area's clear tap, and what was reported.
DEMO_TAPS = [
    ("Main building", 95, "", ""),
    ("Kindergarten wing", 142, "door_would_not_lock", "Room K3: the classroom door lock sticks"),
    ("Gym and cafeteria", 188, "pa_not_heard", "PA not heard in the kitchen"),
    ("Gym and cafeteria", 205, "", ""),  # a second officer's tap: kept, not the clear time
    ("Playground", 231, "", ""),
]


def load_demo_live(campuses: dict[str, Campus], users: dict[str, User], now: datetime) -> dict:
    areas: dict[str, list[CampusArea]] = {}
    for code, campus in campuses.items():
        band = campus.grade_band if campus.grade_band in AREAS else "high"
        areas[code] = [
            CampusArea(campus_id=campus.id, name=name, kind=kind, position=(i + 1) * 10)
            for i, (name, kind) in enumerate(AREAS[band])
        ]
        db.session.add_all(areas[code])
    db.session.flush()
    _finished_drill(campuses["AVE"], areas["AVE"], users, now)
    return {"areas": sum(len(a) for a in areas.values()), "live_drills": 1,
            "corrective_actions": 2}  # fmt: skip


def _finished_drill(campus: Campus, areas: list[CampusArea], users: dict, now: datetime) -> None:
    """A hold drill (no requirement counts it, so the compliance demo stays as it is) run
    live three school days ago, its record filled from the tablets, two actions open."""
    officer = users["officer@demo.local"]
    supervisor = users["supervisor@demo.local"]
    principal = users["principal@demo.local"]
    day = local_date(campus, now) - timedelta(days=3)
    while day.isoweekday() > 5:
        day -= timedelta(days=1)
    started = to_utc(campus, datetime.combine(day, time(10, 5)))
    live = LiveDrill(
        campus_id=campus.id, client_id=str(uuid.uuid4()), drill_type="hold", real_event=False,
        announced=True, status=LiveStatus.ENDED, started_at=started, started_by_id=officer.id,
        ended_at=started + timedelta(minutes=6), ended_by_id=officer.id,
    )  # fmt: skip
    db.session.add(live)
    db.session.flush()
    rows = {}
    for index, area in enumerate(areas):
        rows[area.name] = LiveArea(live_drill_id=live.id, area_id=area.id, name=area.name,
                                   position=index)  # fmt: skip
    db.session.add_all(rows.values())
    db.session.flush()
    taps = []
    for n, (name, seconds, issue, note) in enumerate(DEMO_TAPS):
        by = supervisor if n == 3 else officer
        at = started + timedelta(seconds=seconds)
        tap = domain.Tap(str(uuid.uuid4()), rows[name].area_id, at, by.id, issue, note)
        taps.append(tap)
        db.session.add(
            LiveTap(id=tap.id, live_drill_id=live.id, live_area_id=rows[name].id, user_id=by.id,
                    tapped_at=tap.at, received_at=tap.at + timedelta(seconds=1), issue=issue,
                    note=note)
        )  # fmt: skip
    result = domain.result(started, [a.id for a in areas], taps)
    first = domain.first_clear(taps)
    for area in areas:
        row = rows[area.name]
        row.seconds_to_clear = result.area_seconds[area.id]
        row.cleared_at = first[area.id].at
        row.cleared_by_id = first[area.id].by
    live.all_clear_seconds = result.all_clear_seconds
    names = {a.id: a.name for a in areas}
    drill = Drill(
        campus_id=campus.id, client_id=f"live:{live.client_id}", drill_type="hold",
        real_event=False, announced=True, conducted_by=officer.name, started_at=started,
        ended_at=live.ended_at, local_date=day, notification_method="PA announcement",
        staff_participating=38, occupants=412, time_to_complete_seconds=result.all_clear_seconds,
        problems=domain.problems(taps),
        problems_notes="\n".join(
            f"{names[t.area]}: {t.issue.replace('_', ' ')} — {t.note}"
            for t in domain.reported_issues(taps)
        ),
        weather="Clear", source="live", logged_by_id=officer.id,
    )  # fmt: skip
    db.session.add(drill)
    db.session.flush()
    live.drill_id = drill.id
    for n, (description, problem, owner, due) in enumerate(
        [
            ("Replace the lock cylinder of room K3's door", "door_would_not_lock",
             users["admin@demo.local"], day + timedelta(days=2)),
            ("Add a PA speaker in the kitchen", "alarm_not_heard", principal,
             day + timedelta(days=30)),
        ]
    ):  # fmt: skip
        db.session.add(
            CorrectiveAction(
                campus_id=campus.id, drill_id=drill.id, client_id=f"demo-action-{n}",
                problem=problem, description=description, owner_id=owner.id, due_on=due,
                status=ActionStatus.OPEN, created_by_id=principal.id,
                created_at=started + timedelta(hours=2),
            )
        )  # fmt: skip
