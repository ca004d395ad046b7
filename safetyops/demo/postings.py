"""Demo public drill postings: Aspen Valley Elementary's drill page is public, its records
must be posted within 30 school days and a cancelled drill rescheduled within 10, and one
lockdown was cancelled (the one its compliance page shows missing)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from safetyops.accounts.models import Role, User
from safetyops.calendar.domain import school_year_of
from safetyops.calendar.operations import calendars_for
from safetyops.campuses.models import Campus
from safetyops.compliance import operations as rule_packs
from safetyops.drills.operations import local_date, school_year_bounds, to_utc
from safetyops.extensions import db
from safetyops.postings.models import CancellationKind, DrillCancellation, PublicPosting

PUBLIC_CAMPUS = "AVE"
RECORDS_PACK = """
# Aspen Valley's own policy about drill records (no drill requirements of its own).
[pack]
id = "aspen-valley-records"
name = "Aspen Valley drill records policy"
source = "District policy (demo), on the Michigan model"

[posting]
within_school_days = 30

[reschedule]
within_school_days = 10
"""


def load_demo_postings(campuses: dict[str, Campus], users: dict[str, User], now: datetime) -> dict:
    campus = campuses[PUBLIC_CAMPUS]
    today = local_date(campus, now)
    admin = next(u for u in users.values() if u.role == Role.SAFETY_ADMIN)
    principal = next((u for u in users.values() if u.id == campus.principal_id), admin)
    rule_packs.load_pack(RECORDS_PACK, [PUBLIC_CAMPUS], commit=False)
    # Public since the school year began: every signed-off drill went up at its sign-off.
    year_start = school_year_bounds(school_year_of(today))[0]
    opened = to_utc(campus, datetime.combine(year_start, datetime.min.time()))
    db.session.add(PublicPosting(campus_id=campus.id, opened_at=opened, opened_by_id=admin.id))
    calendar = calendars_for([campus])[campus.id]
    day = today - timedelta(days=4)
    while day > year_start and not calendar.is_school_day(day):
        day -= timedelta(days=1)
    db.session.add(
        DrillCancellation(
            campus_id=campus.id,
            client_id=str(uuid.uuid4()),
            drill_type="lockdown",
            scheduled_for=day,
            kind=CancellationKind.CANCELLED,
            reason="Fire alarm panel under repair; the fire marshal asked to postpone.",
            recorded_by_id=principal.id,
            recorded_at=to_utc(campus, datetime.combine(day, datetime.min.time()))
            + timedelta(hours=8),
        )
    )
    db.session.flush()
    return {"public_campuses": 1, "cancelled_drills": 1}
