"""Demo security firm, officers' certifications (one expiring soon, one expired, one
renewed) and staff SRP training sessions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from safetyops.accounts.models import Employer, User
from safetyops.calendar.domain import school_year_of
from safetyops.calendar.operations import calendars_for
from safetyops.campuses.models import Campus
from safetyops.certifications.models import (
    Certification,
    CertificationKind,
    SecurityFirm,
    TrainingSession,
)
from safetyops.certifications.operations import ensure_default_kinds
from safetyops.drills.operations import local_date, school_year_bounds
from safetyops.extensions import db

FIRM_CAMPUSES = ("AVE", "CCE", "RMS")
# email, kind, days from today to expiry (negative: expired), years valid
CERTIFICATES = [
    ("officer@demo.local", "CPR/AED", 12, 2),  # expiring soon
    ("officer@demo.local", "Firearms qualification", -9, 1),  # expired
    ("officer@demo.local", "State security licence", 410, 2),
    ("officer@demo.local", "SRP training", 240, 1),
    ("officer2@demo.local", "CPR/AED", 200, 2),
    ("officer2@demo.local", "First aid", 25, 2),  # expiring soon
    ("officer2@demo.local", "State security licence", 530, 2),
    ("supervisor@demo.local", "State security licence", 300, 2),
    ("supervisor@demo.local", "CPR/AED", 95, 2),
]
# campus, protocol, school day of the year it was held on, staff who attended
TRAINING = [
    ("AVE", "hold", 3, 41),
    ("AVE", "secure", 3, 41),
    ("AVE", "lockdown", 4, 39),
    ("AVE", "evacuate", 2, 43),
    ("RMS", "lockdown", 5, 62),
    ("RMS", "evacuate", 5, 60),
    ("NVH", "lockdown", 8, 118),
]


def load_demo_certifications(
    campuses: dict[str, Campus], users: dict[str, User], contractor: Employer, now: datetime
) -> dict[str, int]:
    today = local_date(campuses["AVE"], now)
    year_start, year_end = school_year_bounds(school_year_of(today))
    firm = SecurityFirm(
        employer=contractor,
        contact_name="Jamie Castillo (account manager)",
        contact_email="contracts@sentinel-security.example",
        contact_phone="+1 970 555 0142",
        contract_start=year_start,
        contract_end=date(year_end.year + 1, 6, 30),
        notes="Three-year contract; officers at AVE, CCE and RMS.",
        campuses=[campuses[c] for c in FIRM_CAMPUSES],
    )
    db.session.add(firm)
    ensure_default_kinds(commit=False)
    kinds = {k.name: k for k in db.session.scalars(select(CertificationKind))}
    admin = users["admin@demo.local"]
    count = 0
    for email, kind, days, years in CERTIFICATES:
        expires = today + timedelta(days=days)
        issued = expires - timedelta(days=365 * years)
        db.session.add(
            Certification(
                officer_id=users[email].id,
                kind_id=kinds[kind].id,
                number=f"{kind[:3].upper()}-{users[email].id:03d}-{expires.year}",
                issued_on=min(issued, today),
                expires_on=expires,
                created_by_id=admin.id,
            )
        )
        count += 1
    # A renewal: last year's first-aid card (expired) and this year's, which counts.
    officer = users["officer@demo.local"]
    for issued, expires in ((today - timedelta(days=800), today - timedelta(days=70)),
                            (today - timedelta(days=75), today + timedelta(days=655))):  # fmt: skip
        db.session.add(
            Certification(
                officer_id=officer.id, kind_id=kinds["First aid"].id, number="FA-2231",
                issued_on=issued, expires_on=expires, created_by_id=admin.id,
            )
        )  # fmt: skip
        count += 1
    sessions = 0
    calendars = calendars_for(campuses.values())
    principal_of = {c.id: c.principal_id for c in campuses.values()}
    for code, protocol, nth, attendees in TRAINING:
        campus = campuses[code]
        held = calendars[campus.id].nth_school_day(year_start, nth)
        if held is None or held > today:
            continue
        db.session.add(
            TrainingSession(
                campus_id=campus.id, held_on=held, protocol=protocol, attendees=attendees,
                notes="Staff in-service", recorded_by_id=principal_of[campus.id] or admin.id,
            )
        )  # fmt: skip
        sessions += 1
    db.session.flush()
    return {"security_firms": 1, "certifications": count, "training_sessions": sessions}
