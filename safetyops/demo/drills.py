"""Demo school calendar and drill history, relative to the day the demo is loaded.

The history is arranged so that every compliance status shows somewhere: most
requirements met, a few late, overdue and due, next term's upcoming.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

from safetyops.accounts.models import Role, User
from safetyops.calendar.domain import SchoolCalendar, school_year_of
from safetyops.calendar.models import CalendarEntry
from safetyops.calendar.operations import calendars_for
from safetyops.campuses.models import Campus
from safetyops.compliance import operations as rule_packs
from safetyops.compliance.engine import evaluate
from safetyops.drills.models import Drill, MedicalCall
from safetyops.drills.operations import local_date, to_utc
from safetyops.extensions import db
from safetyops.planning.models import DrillPlan

# What goes wrong where, for the current term: (campus, rule id) -> outcome.
OUTCOMES = {
    ("AVE", "lockdown-each-term"): "missing",
    ("AVE", "secure-each-term"): "late",
    ("AVE", "evacuate-monthly:current"): "missing",
    ("RMS", "shelter-each-term"): "missing",
    ("RMS", "evacuate-monthly:current"): "missing",
    ("NVH", "evacuate-monthly:previous"): "missing",
    ("NVH", "evacuate-first-10-days"): "late",
    ("WFH", "secure-each-term"): "late",
    ("SCA", "lockdown-each-term"): "missing",
    ("SCA", "secure-each-term"): "missing",
    ("SCA", "shelter-each-term"): "missing",
}


def _weekday_on_or_after(day: date, iso_weekday: int) -> date:
    return day + timedelta(days=(iso_weekday - day.isoweekday()) % 7)


def _nth_weekday(year: int, month: int, iso_weekday: int, n: int) -> date:
    return _weekday_on_or_after(date(year, month, 1), iso_weekday) + timedelta(weeks=n - 1)


def calendar_rows(today: date) -> list[tuple[str, str, date, date]]:
    """(kind, name, start, end) for the school year around ``today``: two semesters with
    the usual US holidays and breaks."""
    y = school_year_of(today)
    fall_start = _weekday_on_or_after(date(y, 8, 14), 1)
    fall_end = _weekday_on_or_after(date(y, 12, 15), 5)
    spring_start = _weekday_on_or_after(date(y + 1, 1, 5), 2)
    spring_end = _weekday_on_or_after(date(y + 1, 5, 24), 4)
    thanksgiving = _nth_weekday(y, 11, 4, 4)
    spring_break = _nth_weekday(y + 1, 3, 1, 3)
    return [
        ("term", f"Fall {y}", fall_start, fall_end),
        ("term", f"Spring {y + 1}", spring_start, spring_end),
        ("closed", "Labor Day", _nth_weekday(y, 9, 1, 1), _nth_weekday(y, 9, 1, 1)),
        (
            "closed",
            "Fall break",
            _nth_weekday(y, 10, 4, 3),
            _nth_weekday(y, 10, 4, 3) + timedelta(1),
        ),
        ("closed", "Thanksgiving break", thanksgiving - timedelta(3), thanksgiving + timedelta(1)),
        ("closed", "Winter break", fall_end + timedelta(3), spring_start - timedelta(1)),
        (
            "closed",
            "Martin Luther King Jr. Day",
            _nth_weekday(y + 1, 1, 1, 3),
            _nth_weekday(y + 1, 1, 1, 3),
        ),
        ("closed", "Presidents' Day", _nth_weekday(y + 1, 2, 1, 3), _nth_weekday(y + 1, 2, 1, 3)),
        ("closed", "Spring break", spring_break, spring_break + timedelta(4)),
    ]


def load_demo_calendar(today: date) -> None:
    for kind, name, start, end in calendar_rows(today):
        db.session.add(CalendarEntry(kind=kind, name=name, start_date=start, end_date=end))
    db.session.flush()


def _school_day_between(cal: SchoolCalendar, start: date, end: date, rng: random.Random):
    days = [start + timedelta(n) for n in range((end - start).days + 1)]
    days = [d for d in days if cal.is_school_day(d)]
    return rng.choice(days[: max(3, len(days) // 2)]) if days else None


def load_demo_drills(campuses: dict[str, Campus], users: dict[str, User], now: datetime) -> dict:
    """Assign the default pack to every campus and write a drill history for it."""
    rng = random.Random(2026)
    rule_packs.load_bundled("default", list(campuses), commit=False)
    rules = rule_packs.rules_for(c.id for c in campuses.values())
    calendars = calendars_for(campuses.values())
    counts = {"drills": 0, "medical_calls": 0}
    for code, campus in campuses.items():
        today = local_date(campus, now)
        cal = calendars[campus.id]
        principal = next((u for u in users.values() if u.id == campus.principal_id), None)
        officers = [u for u in campus.staff if u.role == Role.OFFICER] or (
            [principal] if principal is not None else []
        )
        requirements = evaluate(rules[campus.id], cal, [], today, school_year_of(today))
        months = sorted({r.period for r in requirements if r.rule == "evacuate-monthly"})
        this_month = f"{today:%Y-%m}"
        earlier = [m for m in months if m < this_month]
        previous: list[str | None] = [earlier[-1]] if earlier else [None]
        for req in requirements:
            if req.window_start > today:
                continue  # upcoming: nothing to log yet
            key = req.rule
            if req.rule == "evacuate-monthly":
                month_keys = {
                    this_month: "evacuate-monthly:current",
                    previous[0]: "evacuate-monthly:previous",
                }
                key = month_keys.get(req.period, key)
            outcome = OUTCOMES.get((code, key), "on_time")
            if outcome == "missing":
                continue
            if outcome == "late" and req.deadline < today:
                end = min(today, req.period_end or today)
                day = _school_day_between(cal, req.deadline + timedelta(3), end, rng)
            else:
                day = _school_day_between(cal, req.window_start, min(req.deadline, today), rng)
            if day is None or (req.rule == "evacuate-monthly" and _logged(campus, day, "evacuate")):
                continue
            officer = rng.choice(officers)
            _add_drill(campus, req.drill, day, officer, principal, now, rng)
            counts["drills"] += 1
        # A real event that does not count as a drill, and two medical calls.
        recent = _school_day_between(cal, today - timedelta(25), today - timedelta(4), rng)
        if recent and code in ("RMS", "AVE"):
            _add_drill(campus, "secure", recent, officers[0], principal, now, rng, real=True)
            counts["drills"] += 1
        if recent and code in ("AVE", "NVH"):
            db.session.add(
                MedicalCall(
                    campus_id=campus.id,
                    client_id=str(uuid.uuid4()),
                    called_at=to_utc(campus, datetime.combine(recent, time(12, 20))),
                    location="Cafeteria" if code == "AVE" else "Gym, north bleachers",
                    actions=["first_aid", "called_911", "escorted_ems"],
                    ems_arrived_at=to_utc(campus, datetime.combine(recent, time(12, 31))),
                    notes="Staff member felt faint; EMS evaluated on site.",
                    officer_id=officers[0].id if officers[0] else None,
                )
            )
            counts["medical_calls"] += 1
        # Two drills planned ahead, for the compliance page and the calendar feed.
        for offset, kind in ((9, "evacuate"), (16, "hold")):
            planned = cal.next_school_day(today + timedelta(days=offset))
            if planned is not None and principal is not None:
                db.session.add(
                    DrillPlan(
                        campus_id=campus.id, drill_type=kind, planned_for=planned,
                        notes="Announced at the staff meeting", created_by_id=principal.id,
                    )
                )  # fmt: skip
    db.session.flush()
    return counts


def _logged(campus: Campus, day: date, drill_type: str) -> bool:
    return any(
        isinstance(o, Drill)
        and o.campus_id == campus.id
        and o.local_date == day
        and o.drill_type == drill_type
        for o in db.session.new
    )


CONDITIONS = ("", "Blocked stairwell B", "Lunch period")
REAL_EVENT_NOTE = "Police activity two blocks east; all clear after 40 minutes."
WEATHER = ("Clear, 48°F", "Sunny, 72°F", "Overcast, 55°F", "Light wind, 63°F", "Cold, 31°F")


def _add_drill(campus, drill_type, day, officer, principal, now, rng, real=False) -> None:
    at = time(rng.choice((9, 10, 13)), rng.choice((0, 15, 30)))
    started = to_utc(campus, datetime.combine(day, at))
    minutes = rng.randint(6, 22)
    fire_observed = drill_type == "evacuate" and rng.random() < 0.3
    signed = principal is not None and started < now - timedelta(days=7)
    db.session.add(
        Drill(
            campus_id=campus.id,
            client_id=str(uuid.uuid4()),
            drill_type=drill_type,
            hazard="tornado" if drill_type == "shelter" else "",
            evacuation_location="North field" if drill_type == "evacuate" else "",
            real_event=real,
            announced=not real and rng.random() < 0.7,
            conducted_by=(officer.name if officer else "Front office"),
            started_at=started,
            ended_at=started + timedelta(minutes=minutes),
            local_date=day,
            notification_method="Police radio, then PA" if real else "PA announcement",
            staff_participating=rng.randint(25, 70),
            occupants=rng.randint(300, 1400),
            time_to_complete_seconds=rng.randint(90, 420),
            special_conditions="" if real else rng.choice(CONDITIONS),
            problems=[] if rng.random() < 0.7 else ["slow_to_respond"],
            problems_notes="",
            weather=rng.choice(WEATHER),
            observers=["police"] if real else (["fire"] if fire_observed else []),
            debrief_notes=REAL_EVENT_NOTE if real else "",
            follow_ups=[],
            source="web",
            logged_by_id=officer.id if officer else None,
            signed_off_by_id=principal.id if signed else None,
            signed_off_at=started + timedelta(days=2) if signed else None,
        )
    )
