"""Planned drills and each campus's private iCalendar feed (RFC 5545, via icalendar)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from safetyops.accounts.models import User
from safetyops.audit import operations as audit
from safetyops.campuses.models import Campus
from safetyops.compliance import queries as compliance
from safetyops.core import dates, i18n
from safetyops.core.db import utcnow
from safetyops.core.errors import ValidationFailed
from safetyops.core.transitions import transition
from safetyops.drills.domain import canonical_type
from safetyops.extensions import db
from safetyops.planning.models import CalendarFeed, DrillPlan

FEED_PREFIX = "cal_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---- planned drills -------------------------------------------------------------------------


def plan_drill(campus: Campus, data: dict, user: User) -> DrillPlan:
    errors = {}
    drill_type = canonical_type(str(data.get("drill_type") or ""))
    if drill_type is None:
        errors["drill_type"] = _("Choose the SRP action.")
    day = data.get("planned_for")
    if not isinstance(day, date):
        errors["planned_for"] = _("Choose the day.")
    elif not dates.in_range(day, utcnow().date()):
        errors["planned_for"] = i18n.range_message(utcnow().date())
    notes = (data.get("notes") or "").strip()
    if len(notes) > 500:
        errors["notes"] = _("At most %(n)d characters.", n=500)
    if errors:
        raise ValidationFailed(errors)
    plan = DrillPlan(
        campus_id=campus.id, drill_type=drill_type, planned_for=day, notes=notes,
        created_by_id=user.id,
    )  # fmt: skip
    db.session.add(plan)
    db.session.flush()
    audit.record(
        "create", "drill_plan", plan.id,
        {"drill_type": [None, drill_type], "planned_for": [None, str(day)]},
        campus_id=campus.id,
    )  # fmt: skip
    db.session.commit()
    return plan


def cancel_plan(plan: DrillPlan) -> None:
    if transition(plan, DrillPlan.cancelled_at.is_(None), cancelled_at=utcnow()):
        audit.record(
            "cancel", "drill_plan", plan.id, {"cancelled": [False, True]}, campus_id=plan.campus_id
        )
        db.session.commit()


def plans_for(campus: Campus, start: date, end: date) -> list[DrillPlan]:
    return list(
        db.session.scalars(
            select(DrillPlan)
            .where(
                DrillPlan.campus_id == campus.id,
                DrillPlan.cancelled_at.is_(None),
                DrillPlan.planned_for.between(start, end),
            )
            .order_by(DrillPlan.planned_for)
        )
    )


# ---- feeds -----------------------------------------------------------------------------------


def active_feed(campus: Campus) -> CalendarFeed | None:
    return db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.campus_id == campus.id, CalendarFeed.revoked_at.is_(None)
        )
    )


def new_feed_token(campus: Campus, user: User) -> str:
    """A new secret feed URL token (shown once); every earlier one stops working.

    The database allows one active feed per campus (a partial unique index). Requests for
    the same campus take turns on the campus row (PostgreSQL row lock; SQLite serialises
    writers anyway), so the last one wins and exactly one link works.
    """
    for _attempt in range(5):
        db.session.execute(select(Campus.id).where(Campus.id == campus.id).with_for_update())
        revoked = _revoke_active(campus)
        token = FEED_PREFIX + secrets.token_urlsafe(24)
        feed = CalendarFeed(campus_id=campus.id, token_hash=_digest(token), created_by_id=user.id)
        db.session.add(feed)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            continue
        for old_id in revoked:
            audit.record("revoke", "calendar_feed", old_id, {}, campus_id=campus.id)
        audit.record("create", "calendar_feed", feed.id, {}, campus_id=campus.id)
        db.session.commit()
        return token
    raise ValidationFailed({"feed": _("The feed is being changed by someone else; try again.")})


def _revoke_active(campus: Campus) -> list[int]:
    """Revoke every active feed of the campus in one statement; the ids this call revoked."""
    rows = db.session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.campus_id == campus.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .returning(CalendarFeed.id)
        .execution_options(synchronize_session=False)
    )
    return [row[0] for row in rows]


def revoke_feed(campus: Campus) -> bool:
    """Turn the campus's feed off: every active link stops working, in one click."""
    revoked = _revoke_active(campus)
    for old_id in revoked:
        audit.record("revoke", "calendar_feed", old_id, {}, campus_id=campus.id)
    db.session.commit()
    return bool(revoked)


def campus_for_token(token: str) -> Campus | None:
    feed = db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == _digest(token), CalendarFeed.revoked_at.is_(None)
        )
    )
    return feed.campus if feed is not None and feed.campus.active else None


def ical(campus: Campus, today: date, labels: dict, base_url: str) -> bytes:
    """Planned drills and this school year's requirement deadlines as all-day events."""
    from icalendar import Calendar, Event  # only the feed needs it (cold start)

    cal = Calendar()
    cal.add("prodid", "-//SafetyOps//Drill calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{campus.name}: drills")
    stamp = utcnow()
    result = compliance.for_campus(campus, today)
    for req in result.requirements:
        if req.status == "not_required":
            continue
        event = Event()
        event.add("uid", f"req-{campus.code}-{req.pack}-{req.rule}-{req.period}@safetyops")
        event.add("dtstamp", stamp)
        event.add("dtstart", req.deadline)
        event.add("dtend", req.deadline + timedelta(days=1))
        label = labels.get(req.drill, req.drill)
        event.add("summary", f"Deadline: {label} drill ({req.period}) - {req.status}")
        event.add(
            "description",
            f"{req.counted} of {req.required} logged. Window opens {req.window_start}. "
            f"Rule {req.rule}.",
        )
        event.add("url", f"{base_url}/campuses/{campus.code}/compliance")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    start, end = today - timedelta(days=180), today + timedelta(days=366)
    for plan in plans_for(campus, start, end):
        event = Event()
        event.add("uid", f"plan-{plan.id}@safetyops")
        event.add("dtstamp", stamp)
        event.add("dtstart", plan.planned_for)
        event.add("dtend", plan.planned_for + timedelta(days=1))
        event.add("summary", f"Planned: {labels.get(plan.drill_type, plan.drill_type)} drill")
        if plan.notes:
            event.add("description", plan.notes)
        cal.add_component(event)
    return cal.to_ical()
