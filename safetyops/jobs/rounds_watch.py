"""missed-rounds: a missed round tells the campus's supervisors at once; an open finding
older than FINDING_ALERT_DAYS tells the principal and the supervisors."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from safetyops.extensions import db
from safetyops.jobs.context import JobContext, link_to
from safetyops.models import Campus, Finding, FindingStatus, Role
from safetyops.services import notifications
from safetyops.services.notifications import Message
from safetyops.services.rounds import missed_rounds

# Catch-up: after downtime, only rounds missed this recently are worth an alert.
ALERT_WINDOW = timedelta(hours=24)


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
    for m in missed:
        campus = campuses[m.instance.campus_id]
        local = m.instance.window_start.astimezone(ctx.local_now(campus.timezone).tzinfo)
        message = Message(
            key=f"missed:{m.instance.key()}",
            kind="round_missed",
            subject=f"{campus.name}: {m.plan.name} missed ({local:%a %d %b %H:%M})",
            body="No completed round in the window and its grace period.",
            link=link_to("rounds.missed", campus=campus.code),
            campus_id=campus.id,
        )
        created += notifications.notify(supervisors[campus.id] or department, message)
    age = timedelta(days=current_app.config["FINDING_ALERT_DAYS"])
    old = db.session.scalars(
        select(Finding).where(
            Finding.status != FindingStatus.RESOLVED,
            Finding.opened_at < now - age,
            Finding.campus_id.in_(list(campuses)),
        )
    ).all()
    for finding in old:
        campus = campuses[finding.campus_id]
        message = Message(
            key=f"finding-old:{finding.id}",
            kind="finding_open",
            subject=(
                f"{campus.name}: {finding.kind.replace('_', ' ')} at "
                f"{finding.checkpoint.name} still {finding.status} after "
                f"{(now - finding.opened_at).days} days"
            ),
            body="Acknowledge or resolve it, with how it was fixed.",
            link=link_to("findings.checkpoint", checkpoint_id=finding.checkpoint_id),
            campus_id=campus.id,
        )
        created += notifications.notify(principals[campus.id] + supervisors[campus.id], message)
    return {"missed": len(missed), "old_findings": len(old), "notifications": created}
