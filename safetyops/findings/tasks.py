"""Old open findings: one alert each to the principal and supervisors once a finding has been
open longer than FINDING_ALERT_DAYS (run by the missed-rounds job)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from safetyops.campuses.models import Campus
from safetyops.core.labels import label
from safetyops.extensions import db
from safetyops.findings.models import Finding, FindingStatus
from safetyops.notifications import operations as notifications
from safetyops.notifications.kinds import notification_kind
from safetyops.notifications.operations import Message
from safetyops.scheduler.context import link_to


@notification_kind("finding_open")
def _finding_open(p: dict) -> tuple[str, str]:
    subject = ngettext(
        "%(campus)s: %(kind)s at %(checkpoint)s still %(status)s after %(num)d day",
        "%(campus)s: %(kind)s at %(checkpoint)s still %(status)s after %(num)d days",
        p["days"], campus=p["campus"], kind=label(p["kind"], "finding_kind"),
        checkpoint=p["checkpoint"], status=label(p["status"], "finding_status"),
    )  # fmt: skip
    return subject, _("Acknowledge or resolve it, with how it was fixed.")


def alert(
    campuses: dict[int, Campus],
    now: datetime,
    principals: dict[int, list],
    supervisors: dict[int, list],
) -> tuple[int, int]:
    """Alert on findings open too long; returns (findings found, notifications created)."""
    age = timedelta(days=current_app.config["FINDING_ALERT_DAYS"])
    old = db.session.scalars(
        select(Finding)
        .where(
            Finding.status != FindingStatus.RESOLVED,
            Finding.opened_at < now - age,
            Finding.campus_id.in_(list(campuses)),
        )
        .options(selectinload(Finding.checkpoint))  # one query, not one per finding
    ).all()
    batch = []
    for finding in old:
        campus = campuses[finding.campus_id]
        message = Message(
            key=f"finding-old:{finding.id}",
            kind="finding_open",
            params={
                "campus": campus.name,
                "kind": finding.kind,
                "checkpoint": finding.checkpoint.name,
                "status": finding.status,
                "days": (now - finding.opened_at).days,
            },  # fmt: skip
            link=link_to("findings.checkpoint", checkpoint_id=finding.checkpoint_id),
            campus_id=campus.id,
        )
        batch.append((principals[campus.id] + supervisors[campus.id], message))
    return len(old), notifications.notify_many(batch)
