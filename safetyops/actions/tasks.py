"""corrective-action-reminders: one reminder per overdue open action, to its owner and the
campus's principal, exactly once (the notification key), whenever the job runs."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from safetyops.actions import domain
from safetyops.actions import queries as actions
from safetyops.campuses.models import Campus
from safetyops.extensions import db
from safetyops.notifications import kinds
from safetyops.notifications import operations as notifications
from safetyops.notifications.kinds import notification_kind
from safetyops.notifications.operations import Message
from safetyops.scheduler.context import JobContext, link_to


@notification_kind("action_overdue")
def _action_overdue(p: dict) -> tuple[str, str]:
    subject = ngettext(
        "%(campus)s: corrective action overdue by %(num)d day",
        "%(campus)s: corrective action overdue by %(num)d days",
        p["days"], campus=p["campus"],
    )  # fmt: skip
    body = _(
        "%(action)s (owner %(owner)s, due %(day)s). Close it with what was done, or reassign it.",
        action=p["description"], owner=p["owner"], day=kinds.day(p["due"]),
    )  # fmt: skip
    return subject, body


def run(ctx: JobContext) -> dict[str, int]:
    campuses = {c.id: c for c in db.session.scalars(select(Campus).where(Campus.active.is_(True)))}
    if not campuses:
        return {"overdue": 0, "notifications": 0}
    today = {c.id: ctx.local_today(c.timezone) for c in campuses.values()}
    candidates = actions.overdue_candidates(list(campuses), max(today.values()) + timedelta(1))
    overdue = [a for a in candidates if domain.is_overdue(a.status, a.due_on, today[a.campus_id])]
    if not overdue:
        return {"overdue": 0, "notifications": 0}
    principals = notifications.principals_of(
        {a.campus_id: campuses[a.campus_id] for a in overdue}.values()
    )
    created = 0
    for action in overdue:
        campus = campuses[action.campus_id]
        days = domain.days_overdue(action.due_on, today[campus.id])
        message = Message(
            key=f"action-overdue:{action.id}",
            kind="action_overdue",
            params={
                "campus": campus.name,
                "days": days,
                "description": action.description,
                "owner": action.owner.name,
                "due": action.due_on.isoformat(),
            },  # fmt: skip
            link=link_to("drills.show", drill_id=action.drill_id) + f"#action-{action.id}",
            campus_id=campus.id,
        )
        created += notifications.notify([action.owner, *principals.get(campus.id, [])], message)
    return {"overdue": len(overdue), "notifications": created}
