"""Writing postings data: opting a campus in or out of its public drill page, and recording
a cancelled or missed drill. Each change is audited and made once."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from safetyops.accounts.models import User
from safetyops.audit import operations as audit
from safetyops.campuses.models import Campus
from safetyops.core import dates, i18n
from safetyops.core.db import utcnow
from safetyops.core.errors import ValidationFailed
from safetyops.drills.operations import type_of
from safetyops.extensions import db
from safetyops.postings.models import CancellationKind, DrillCancellation, PublicPosting

REASON_MAX = 1000


def open_period(campus: Campus) -> PublicPosting | None:
    return db.session.scalar(
        select(PublicPosting).where(
            PublicPosting.campus_id == campus.id, PublicPosting.closed_at.is_(None)
        )
    )


def set_public(campus: Campus, public: bool, user: User) -> bool:
    """Open or close the campus's public posting period. True if this call changed it
    (a second click, or two admins at once, change it once: one audit event)."""
    if public:
        if open_period(campus) is not None:
            return False
        period = PublicPosting(campus_id=campus.id, opened_by_id=user.id, opened_at=utcnow())
        db.session.add(period)
        try:
            db.session.flush()
        except IntegrityError:  # opened a moment ago by someone else (one open per campus)
            db.session.rollback()
            return False
        audit.record(
            "publish", "public_posting", period.id, {"public": [False, True]}, campus_id=campus.id
        )
        db.session.commit()
        return True
    closed = db.session.execute(
        update(PublicPosting)
        .where(PublicPosting.campus_id == campus.id, PublicPosting.closed_at.is_(None))
        .values(closed_at=utcnow(), closed_by_id=user.id)
        .returning(PublicPosting.id)
        .execution_options(synchronize_session=False)
    ).first()
    if closed is None:
        db.session.rollback()
        return False
    audit.record(
        "unpublish", "public_posting", closed[0], {"public": [True, False]}, campus_id=campus.id
    )
    db.session.commit()
    return True


def record_cancellation(
    campus: Campus, data: dict[str, Any], user: User, client_id: str
) -> tuple[DrillCancellation, bool]:
    """Store a cancelled or missed drill once per ``client_id``. Returns (record, created)."""
    client_id = (client_id or "").strip()[:64]
    if not client_id:
        raise ValidationFailed({"client_id": _("Missing submission id; reload the form.")})
    existing = db.session.scalar(
        select(DrillCancellation).where(DrillCancellation.client_id == client_id)
    )
    if existing is not None:
        return _same_campus(existing, campus), False
    errors: dict[str, str] = {}
    drill_type = type_of(str(data.get("drill_type") or ""))
    if drill_type is None:
        errors["drill_type"] = _("Choose the drill that did not take place.")
    day = data.get("scheduled_for")
    today = utcnow().date()
    if not isinstance(day, date):
        errors["scheduled_for"] = _("Enter the day the drill was to be held.")
    elif not dates.in_range(day, today):
        errors["scheduled_for"] = i18n.range_message(today)
    kind = data.get("kind")
    if kind not in set(CancellationKind):
        errors["kind"] = _("Choose cancelled or missed.")
    reason = (data.get("reason") or "").strip()
    if not reason:
        errors["reason"] = _("Say why the drill did not take place.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("At most %(n)d characters.", n=REASON_MAX)
    if errors:
        raise ValidationFailed(errors)
    record = DrillCancellation(
        campus_id=campus.id,
        client_id=client_id,
        drill_type=drill_type,
        scheduled_for=day,
        kind=str(kind),
        reason=reason,
        recorded_by_id=user.id,
        recorded_at=utcnow(),
    )
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:  # the same submission arrived concurrently; the first stands
        db.session.rollback()
        winner = db.session.scalar(
            select(DrillCancellation).where(DrillCancellation.client_id == client_id)
        )
        if winner is None:
            raise
        return _same_campus(winner, campus), False
    audit.record(
        "create",
        "drill_cancellation",
        record.id,
        {
            "drill_type": [None, drill_type],
            "scheduled_for": [None, str(day)],
            "kind": [None, str(kind)],
            "reason": [None, reason],
        },
        campus_id=campus.id,
    )
    db.session.commit()
    return record, True


def _same_campus(record: DrillCancellation, campus: Campus) -> DrillCancellation:
    if record.campus_id != campus.id:
        raise ValidationFailed({"client_id": _("That submission id belongs to another record.")})
    return record
