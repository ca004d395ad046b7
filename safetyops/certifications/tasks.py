"""certification-reminders: certificates about to expire (at the configured lead times)
to the officer and their supervisors, and an escalation to the safety department once one
has expired. Each notice is stored once per recipient (notification keys), in its own
transaction, so a second run or a second process sends nothing twice.

The wording of these notifications lives here, in the two renderers (the reader's
language), and nowhere else."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from safetyops.accounts.models import Role, User
from safetyops.certifications import domain
from safetyops.certifications.domain import ExpiryNotice
from safetyops.certifications.models import CERTIFIED_ROLES, Certification
from safetyops.certifications.queries import fact
from safetyops.extensions import db
from safetyops.notifications import kinds
from safetyops.notifications import operations as notifications
from safetyops.notifications.kinds import notification_kind
from safetyops.notifications.operations import Message
from safetyops.scheduler.context import JobContext, link_to


def message(notice: ExpiryNotice, officer: User, kind: str) -> Message:
    """The notification for one notice: what it is about, rendered in each reader's
    language by the renderers below (the recipient is added by ``notify``)."""
    expires = notice.cert.expires_on
    return Message(
        key=notice.key,
        kind=notice.kind,
        params={
            "officer": officer.name,
            "certification": kind,
            "expires": expires.isoformat() if expires else None,
            "days": notice.days,
        },
        link=link_to("certifications.officer", officer_id=officer.id),
    )


@notification_kind("certification_expiring")
def _expiring(p: dict) -> tuple[str, str]:
    subject = ngettext(
        "%(officer)s's %(certification)s certification expires in %(num)d day",
        "%(officer)s's %(certification)s certification expires in %(num)d days",
        p["days"],
        officer=p["officer"],
        certification=p["certification"],
    )
    body = _(
        "%(officer)s's %(certification)s certification expires on %(day)s. Renew it and "
        "record the new certificate in SafetyOps.",
        officer=p["officer"],
        certification=p["certification"],
        day=kinds.day(p["expires"]),
    )
    return subject, body


@notification_kind("certification_expired")
def _expired(p: dict) -> tuple[str, str]:
    subject = _(
        "EXPIRED: %(officer)s's %(certification)s certification (%(day)s)",
        officer=p["officer"],
        certification=p["certification"],
        day=kinds.day(p["expires"]),
    )
    body = ngettext(
        "%(officer)s's %(certification)s certification expired on %(day)s, %(num)d day ago. "
        "Record the renewal in SafetyOps; until then the officer is flagged as expired.",
        "%(officer)s's %(certification)s certification expired on %(day)s, %(num)d days ago. "
        "Record the renewal in SafetyOps; until then the officer is flagged as expired.",
        p["days"],
        officer=p["officer"],
        certification=p["certification"],
        day=kinds.day(p["expires"]),
    )
    return subject, body


def lead_days() -> tuple[int, ...]:
    return domain.parse_lead_days(current_app.config["CERTIFICATION_REMINDER_DAYS"])


def run(ctx: JobContext) -> dict[str, int]:
    today: date = ctx.local_today(current_app.config["SCHEDULER_TIMEZONE"])
    certs = list(
        db.session.scalars(
            select(Certification)
            .join(User, User.id == Certification.officer_id)
            .where(User.active.is_(True), User.role.in_([r.value for r in CERTIFIED_ROLES]))
            .options(
                selectinload(Certification.kind),
                selectinload(Certification.officer).selectinload(User.campuses),
            )
        )
    )
    by_id = {c.id: c for c in certs}
    notices = domain.expiry_notices((fact(c) for c in certs), today, lead_days())
    campus_ids = {c.id for cert in certs for c in cert.officer.campuses}
    supervisors = notifications.campus_staff(campus_ids, [Role.SUPERVISOR])
    department = notifications.safety_department() if notices else []
    created = 0
    for notice in notices:
        cert = by_id[notice.cert.id]
        officer = cert.officer
        people = [officer] + [
            s for c in officer.campuses for s in supervisors.get(c.id, []) if s.id != officer.id
        ]
        if notice.kind == "certification_expired":
            people += department
        created += notifications.notify(people, message(notice, officer, cert.kind.name))
    return {"certificates": len(certs), "notices": len(notices), "notifications": created}
