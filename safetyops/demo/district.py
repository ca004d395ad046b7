"""Demo data: a believable small district, loaded only into an empty database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from safetyops.accounts import operations as accounts
from safetyops.accounts.models import EmployerKind, Role, User
from safetyops.campuses import operations as campuses
from safetyops.campuses.models import Campus
from safetyops.config import DEMO_PASSWORD
from safetyops.core.db import utcnow
from safetyops.demo.certifications import load_demo_certifications
from safetyops.demo.drills import load_demo_calendar, load_demo_drills
from safetyops.demo.live import load_demo_live
from safetyops.demo.postings import load_demo_postings
from safetyops.demo.rounds import load_demo_rounds
from safetyops.drills.operations import local_date
from safetyops.extensions import db

DISTRICT = "Aspen Valley Public Schools"
CONTRACTOR = "Sentinel Campus Security"

# code, name, grade band, address, exterior doors, extra checkpoints
DEMO_CAMPUSES = [
    (
        "AVE",
        "Aspen Valley Elementary",
        "elementary",
        "1200 Aspen Way, Denver, CO 80220",
        8,
        ["Front gate", "Playground gate", "North perimeter fence", "Staff parking lot"],
    ),
    (
        "CCE",
        "Cedar Creek Elementary",
        "elementary",
        "455 Cedar Creek Rd, Denver, CO 80219",
        5,
        ["Kindergarten gate", "Perimeter - south fence", "Parent drop-off lot"],
    ),
    (
        "RMS",
        "Ridgeview Middle School",
        "middle",
        "3300 Ridgeview Dr, Denver, CO 80211",
        10,
        [
            "Bus loop gate",
            "Athletic field gate",
            "Perimeter - east fence",
            "Perimeter - west fence",
            "Staff parking lot",
            "Visitor parking lot",
        ],
    ),
    (
        "NVH",
        "North Valley High School",
        "high",
        "7800 N Valley Blvd, Denver, CO 80221",
        16,
        [
            "Stadium gate",
            "Bus loop gate",
            "Service road gate",
            "Perimeter - north fence",
            "Perimeter - east fence",
            "Perimeter - south fence",
            "Student parking lot",
            "Staff parking lot",
            "Visitor parking lot",
        ],
    ),
    (
        "WFH",
        "Westfield High School",
        "high",
        "2100 Westfield Ave, Lakewood, CO 80226",
        13,
        [
            "Main gate",
            "Athletic complex gate",
            "Perimeter - north fence",
            "Perimeter - south fence",
            "Student parking lot",
            "Staff parking lot",
            "Bus lot",
        ],
    ),
    (
        "SCA",
        "Summit Charter Academy",
        "k12",
        "90 Summit Pkwy, Aurora, CO 80012",
        8,
        ["Front gate", "Perimeter - courtyard fence", "Parking lot"],
    ),
]

DOOR_NAMES = [
    "Main entrance",
    "Office vestibule",
    "Gym east",
    "Gym west",
    "Cafeteria",
    "Kitchen loading dock",
    "Library",
    "Music wing",
    "Science wing",
    "Art room",
    "Boiler room",
    "North stairwell",
    "South stairwell",
    "Auditorium",
    "Band room",
    "Athletics",
    "Portable classrooms",
    "Fire exit - east hall",
    "Fire exit - west hall",
]

DEMO_USERS = [
    # email, name, role, employer, campus codes
    ("admin@demo.local", "Dana Admin", Role.SAFETY_ADMIN, DISTRICT, []),
    ("supervisor@demo.local", "Sam Supervisor", Role.SUPERVISOR, CONTRACTOR, ["AVE", "CCE", "RMS"]),
    ("principal@demo.local", "Pat Principal", Role.PRINCIPAL, DISTRICT, ["AVE"]),
    ("officer@demo.local", "Olivia Officer", Role.OFFICER, CONTRACTOR, ["AVE", "RMS"]),
    ("viewer@demo.local", "Vic Viewer", Role.VIEWER, DISTRICT, []),
    ("supervisor2@demo.local", "Morgan Reyes", Role.SUPERVISOR, DISTRICT, ["NVH", "WFH", "SCA"]),
    ("principal.cce@demo.local", "Alex Kim", Role.PRINCIPAL, DISTRICT, ["CCE"]),
    ("principal.rms@demo.local", "Jordan Lee", Role.PRINCIPAL, DISTRICT, ["RMS"]),
    ("principal.nvh@demo.local", "Casey Morgan", Role.PRINCIPAL, DISTRICT, ["NVH"]),
    ("principal.wfh@demo.local", "Riley Chen", Role.PRINCIPAL, DISTRICT, ["WFH"]),
    (
        "principal.sca@demo.local",
        "Taylor Brooks",
        Role.PRINCIPAL,
        "Summit Charter Network",
        ["SCA"],
    ),
    ("officer2@demo.local", "Marcus Hill", Role.OFFICER, CONTRACTOR, ["CCE"]),
    ("officer3@demo.local", "Priya Patel", Role.OFFICER, DISTRICT, ["NVH"]),
    ("officer4@demo.local", "Luis Ortega", Role.OFFICER, DISTRICT, ["WFH"]),
    ("officer5@demo.local", "Grace Nguyen", Role.OFFICER, "Summit Charter Network", ["SCA"]),
]

DEMO_LOGINS = [u[0] for u in DEMO_USERS[:5]]


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User)) and not db.session.scalar(
        select(func.count()).select_from(Campus)
    )


def _checkpoint_rows(doors: int, extras: list[str]) -> list[dict]:
    rows: list[dict[str, Any]] = []
    for number in range(1, doors + 1):
        rows.append(
            {
                "name": f"Door {number} - {DOOR_NAMES[number - 1]}",
                "kind": "exterior_door",
                "expected_state": "locked",
            }
        )
    for name in extras:
        low = name.lower()
        if "gate" in low:
            kind, state = "gate", "locked"
        elif "perimeter" in low:
            kind, state = "perimeter", "secure"
        elif "lot" in low:
            kind, state = "parking_lot", "clear"
        else:
            kind, state = "other", "secure"
        rows.append({"name": name, "kind": kind, "expected_state": state})
    for position, row in enumerate(rows, start=1):
        row["walk_order"] = position * 10
        row["location_notes"] = ""
    return rows


def load_demo(now: datetime | None = None) -> dict[str, int]:
    """Load the demo district. Refuses a database that already holds users or campuses."""
    if not database_is_empty():
        raise RuntimeError("the database is not empty; demo data loads only into an empty one")
    employers = {
        DISTRICT: accounts.get_or_create_employer(DISTRICT, EmployerKind.DISTRICT),
        CONTRACTOR: accounts.get_or_create_employer(CONTRACTOR, EmployerKind.CONTRACTOR),
        "Summit Charter Network": accounts.get_or_create_employer(
            "Summit Charter Network", EmployerKind.DISTRICT
        ),
    }
    by_code: dict[str, Campus] = {}
    checkpoint_count = 0
    for code, name, band, address, doors, extras in DEMO_CAMPUSES:
        campus = campuses.create_campus(
            {
                "code": code,
                "name": name,
                "grade_band": band,
                "address": address,
                "timezone": "America/Denver",
            },
            commit=False,
        )
        by_code[code] = campus
        for row in _checkpoint_rows(doors, extras):
            campuses.create_checkpoint(campus, row, commit=False)
            checkpoint_count += 1
    users: dict[str, User] = {}
    for email, name, role, employer, codes in DEMO_USERS:
        users[email] = accounts.create_user(
            email=email,
            name=name,
            role=role,
            password=DEMO_PASSWORD,
            employer=employers[employer],
            campuses=[by_code[c] for c in codes],
            commit=False,
        )
    for email, _name, role, _employer, codes in DEMO_USERS:
        if role == Role.PRINCIPAL:
            by_code[codes[0]].principal_id = users[email].id
    db.session.flush()
    now = now or utcnow()
    load_demo_calendar(local_date(by_code["AVE"], now))
    history = load_demo_rounds(by_code, users, now)
    history.update(load_demo_drills(by_code, users, now))
    history.update(load_demo_live(by_code, users, now))
    history.update(load_demo_postings(by_code, users, now))
    history.update(load_demo_certifications(by_code, users, employers[CONTRACTOR], now))
    db.session.commit()
    return {
        "campuses": len(by_code),
        "checkpoints": checkpoint_count,
        "users": len(users),
        **history,
    }
