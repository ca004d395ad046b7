"""missed-rounds: a missed round tells the campus's supervisors at once; the same job
also runs the findings area's old-finding alerts (findings.tasks)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from safetyops.accounts.models import Role
from safetyops.campuses.models import Campus
from safetyops.core.i18n import localday, localtime
from safetyops.extensions import db
from safetyops.findings import tasks as old_findings
from safetyops.notifications import operations as notifications
from safetyops.notifications.kinds import notification_kind
from safetyops.notifications.operations import Message
from safetyops.rounds.operations import missed_rounds
from safetyops.scheduler.context import JobContext, link_to

# Catch-up: after downtime, only rounds missed this recently are worth an alert.
ALERT_WINDOW = timedelta(hours=24)


@notification_kind("round_missed")
def _round_missed(p: dict) -> tuple[str, str]:
    start = datetime.fromisoformat(p["window_start"])
    when = f"{localday(start, p['zone'])} {localtime(start, p['zone'])}"
    return (
        _("%(campus)s: %(plan)s missed (%(when)s)", campus=p["campus"], plan=p["plan"], when=when),
        _("No completed round in the window and its grace period."),
    )


def run(ctx: JobContext) -> dict[str, int]:
    campuses = {c.id: c for c in db.session.scalars(select(Campus).where(Campus.active.is_(True)))}
    if not campuses:
        return {"missed": 0, "old_findings": 0, "notifications": 0}
    supervisors = notifications.campus_staff(list(campuses), [Role.SUPERVISOR])
    principals = notifications.principals_of(campuses.values())
    department = notifications.safety_department()
    now = (
        ctx.now if ctx.as_of is None else max(ctx.local_now(c.timezone) for c in campuses.values())
    )
    created = 0
    zone_today = now.date()
    missed = [
        m
        for m in missed_rounds(list(campuses), zone_today - timedelta(days=2), zone_today, now=now)
        if now - m.instance.due_by <= ALERT_WINDOW
    ]
    batch = []
    for m in missed:
        campus = campuses[m.instance.campus_id]
        message = Message(
            key=f"missed:{m.instance.key()}",
            kind="round_missed",
            params={
                "campus": campus.name,
                "plan": m.plan.name,
                "zone": campus.timezone,
                "window_start": m.instance.window_start.isoformat(),
            },  # fmt: skip
            link=link_to("rounds.missed", campus=campus.code),
            campus_id=campus.id,
        )
        batch.append((supervisors[campus.id] or department, message))
    # One batched INSERT and one commit for every missed round (not one per campus).
    created += notifications.notify_many(batch)
    old, alerted = old_findings.alert(campuses, now, principals, supervisors)
    created += alerted
    return {"missed": len(missed), "old_findings": old, "notifications": created}
