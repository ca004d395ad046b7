"""compliance-reminders: drill deadlines ahead, requirements met, overdue escalation."""

from __future__ import annotations

from datetime import time

from flask import current_app
from sqlalchemy import select

from safetyops.accounts.models import Role
from safetyops.campuses.models import Campus
from safetyops.compliance import operations as rule_packs
from safetyops.compliance import queries as compliance
from safetyops.compliance.reminders import Notice, drill_notices
from safetyops.drills.forms import TYPE_LABELS
from safetyops.drills.models import Drill
from safetyops.extensions import db
from safetyops.notifications import operations as notifications
from safetyops.notifications.operations import Message
from safetyops.scheduler.context import JobContext, link_to


def _reminder_time(campus: Campus) -> time:
    text = campus.reminder_time or current_app.config["REMINDER_TIME"]
    hours, minutes = (int(part) for part in text.split(":"))
    return time(hours, minutes)


def campuses_due(ctx: JobContext) -> list[Campus]:
    """Active campuses whose local reminder time has come today (all of them with as_of)."""
    campuses = db.session.scalars(select(Campus).where(Campus.active.is_(True))).all()
    if ctx.as_of is not None:
        return list(campuses)
    return [c for c in campuses if ctx.local_now(c.timezone).time() >= _reminder_time(c)]


def _message(campus: Campus, notice: Notice) -> Message:
    req = notice.requirement
    drill = str(TYPE_LABELS.get(req.drill, req.drill))
    where = f"{campus.name}: {drill} ({req.period})"
    if notice.kind == "drill_due":
        when = "today" if notice.days == 0 else f"in {notice.days} day(s), by {req.deadline}"
        subject = f"{where} drill due {when}"
        body = (
            f"{req.counted} of {req.required} logged so far. Rule {req.rule}. "
            f"Plan it and log it in SafetyOps."
        )
    elif notice.kind == "drill_overdue":
        subject = f"OVERDUE {where}: deadline was {req.deadline} ({notice.days} day(s) ago)"
        body = f"{req.counted} of {req.required} logged. Rule {req.rule}."
    else:
        subject = f"{where} requirement met"
        body = f"{req.counted} of {req.required} logged. Thank you."
    return Message(
        key=notice.key, kind=notice.kind, subject=subject, body=body,
        link=link_to("compliance.campus", code=campus.code), campus_id=campus.id,
    )  # fmt: skip


def run(ctx: JobContext) -> dict[str, int]:
    campuses = campuses_due(ctx)
    if not campuses:
        return {"campuses": 0, "notifications": 0}
    lead_days = current_app.config["REMINDER_LEAD_DAYS"]
    pack_lead_days = rule_packs.lead_days_by_pack()
    # Campuses share a date unless they span time zones: group by local date, load in bulk.
    by_day: dict = {}
    for campus in campuses:
        by_day.setdefault(ctx.local_today(campus.timezone), []).append(campus)
    principals = notifications.principals_of(campuses)
    officers = notifications.campus_staff([c.id for c in campuses], [Role.OFFICER])
    supervisors = notifications.campus_staff([c.id for c in campuses], [Role.SUPERVISOR])
    department = notifications.safety_department()
    created = 0
    for day, group in by_day.items():
        results = compliance.for_campuses(group, day)
        drill_ids = [i for r in results for req in r.requirements for i in req.drills]
        rows = db.session.execute(
            select(Drill.id, Drill.local_date).where(Drill.id.in_(drill_ids))
        ).all()
        drill_days = dict(rows)
        for result in results:
            campus = result.campus
            for notice in drill_notices(
                campus.code, result.requirements, day, drill_days, lead_days, pack_lead_days
            ):
                if notice.audience == "campus":
                    people = principals[campus.id] + officers[campus.id]
                else:  # overdue: the principal, and the safety department and supervisors
                    people = principals[campus.id] + supervisors[campus.id] + department
                created += notifications.notify(people, _message(campus, notice))
    return {"campuses": len(campuses), "notifications": created}
