"""compliance-reminders: drill deadlines ahead, requirements met, overdue escalation."""

from __future__ import annotations

from datetime import time

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from safetyops.accounts.models import Role
from safetyops.campuses.models import Campus
from safetyops.compliance import operations as rule_packs
from safetyops.compliance import queries as compliance
from safetyops.compliance.reminders import Notice, drill_notices
from safetyops.drills.forms import TYPE_LABELS
from safetyops.drills.models import Drill
from safetyops.extensions import db
from safetyops.notifications import kinds
from safetyops.notifications import operations as notifications
from safetyops.notifications.kinds import label, notification_kind, number
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
    params = {
        "campus": campus.name, "drill": req.drill, "period": req.period, "rule": req.rule,
        "deadline": req.deadline.isoformat(), "days": notice.days,
        "counted": req.counted, "required": req.required,
    }  # fmt: skip
    return Message(
        key=notice.key, kind=notice.kind, params=params,
        link=link_to("compliance.campus", code=campus.code), campus_id=campus.id,
    )  # fmt: skip


def _where(p: dict) -> str:
    return _(
        "%(campus)s: %(drill)s (%(period)s)",
        campus=p["campus"], drill=label(TYPE_LABELS, p["drill"]), period=p["period"],
    )  # fmt: skip


@notification_kind("drill_due")
def _drill_due(p: dict) -> tuple[str, str]:
    if p["days"] == 0:
        subject = _("%(where)s drill due today", where=_where(p))
    else:
        subject = ngettext(
            "%(where)s drill due in %(num)d day, by %(deadline)s",
            "%(where)s drill due in %(num)d days, by %(deadline)s",
            p["days"], where=_where(p), deadline=kinds.day(p["deadline"]),
        )  # fmt: skip
    body = _(
        "%(counted)s of %(required)s logged so far. Rule %(rule)s. Plan it and log it in "
        "SafetyOps.",
        counted=number(p["counted"]), required=number(p["required"]), rule=p["rule"],
    )  # fmt: skip
    return subject, body


@notification_kind("drill_overdue")
def _drill_overdue(p: dict) -> tuple[str, str]:
    subject = ngettext(
        "OVERDUE %(where)s: deadline was %(deadline)s (%(num)d day ago)",
        "OVERDUE %(where)s: deadline was %(deadline)s (%(num)d days ago)",
        p["days"], where=_where(p), deadline=kinds.day(p["deadline"]),
    )  # fmt: skip
    body = _(
        "%(counted)s of %(required)s logged. Rule %(rule)s.",
        counted=number(p["counted"]), required=number(p["required"]), rule=p["rule"],
    )  # fmt: skip
    return subject, body


@notification_kind("drill_met")
def _drill_met(p: dict) -> tuple[str, str]:
    subject = _("%(where)s requirement met", where=_where(p))
    body = _(
        "%(counted)s of %(required)s logged. Thank you.",
        counted=number(p["counted"]), required=number(p["required"]),
    )  # fmt: skip
    return subject, body


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
    batch = []
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
                batch.append((people, _message(campus, notice)))
    # All the messages in one batched INSERT and one commit (not one per campus and notice).
    created = notifications.notify_many(batch)
    return {"campuses": len(campuses), "notifications": created}
