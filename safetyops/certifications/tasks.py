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
from safetyops.certifications.domain import CertFact, ExpiryNotice
from safetyops.certifications.models import CERTIFIED_ROLES, Certification, CertificationKind
from safetyops.extensions import db
from safetyops.notifications import kinds
from safetyops.notifications import operations as notifications
from safetyops.notifications.kinds import notification_kind
from safetyops.notifications.models import Notification
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
    # Plain rows, not ORM objects: the commits below (one per notice) would expire objects
    # and load each of them again for the next notice.
    rows = db.session.execute(
        select(
            Certification.id, Certification.officer_id, Certification.kind_id,
            Certification.issued_on, Certification.expires_on, Certification.withdrawn_at,
            CertificationKind.name,
        )
        .join(CertificationKind, CertificationKind.id == Certification.kind_id)
        .join(User, User.id == Certification.officer_id)
        .where(User.active.is_(True), User.role.in_([r.value for r in CERTIFIED_ROLES]))
    ).all()  # fmt: skip
    kind_names = {row.id: row.name for row in rows}
    facts = [
        CertFact(
            r.id, r.officer_id, r.kind_id, r.issued_on, r.expires_on, r.withdrawn_at is not None
        )
        for r in rows
    ]
    notices = domain.expiry_notices(facts, today, lead_days())
    if not notices:
        return {"certificates": len(rows), "notices": 0, "notifications": 0}
    officer_ids = {n.cert.officer_id for n in notices}
    officers = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_(officer_ids)).options(selectinload(User.campuses))
        )
    }
    campuses_of = {o.id: [c.id for c in o.campuses] for o in officers.values()}
    supervisors = notifications.campus_staff(
        {c for ids in campuses_of.values() for c in ids}, [Role.SUPERVISOR]
    )
    department = notifications.safety_department()
    # Read-only from here: detached, so the commits leave their loaded values in place.
    for user in {
        *officers.values(),
        *department,
        *(s for staff in supervisors.values() for s in staff),
    }:
        db.session.expunge(user)
    audiences = []
    for notice in notices:
        officer = officers[notice.cert.officer_id]
        people = [officer] + [
            s
            for campus_id in campuses_of[officer.id]
            for s in supervisors.get(campus_id, [])
            if s.id != officer.id
        ]
        if notice.kind == "certification_expired":
            people += department
        audiences.append((notice, officer, people))
    # Who already has each notice (a run earlier today): skipped without a write. The
    # notification's unique key still decides, should two runs overlap.
    keys = [f"{n.key}:u{p.id}" for n, _o, people in audiences for p in people]
    stored: set[str] = set()
    for start in range(0, len(keys), 500):
        stored.update(
            db.session.scalars(
                select(Notification.key).where(Notification.key.in_(keys[start : start + 500]))
            )
        )
    created = 0
    for notice, officer, people in audiences:  # each notice in its own transaction
        missing = [p for p in people if f"{notice.key}:u{p.id}" not in stored]
        if missing:
            created += notifications.notify(
                missing, message(notice, officer, kind_names[notice.cert.id])
            )
    return {"certificates": len(rows), "notices": len(notices), "notifications": created}
