"""How long SafetyOps keeps what is not evidence, or is evidence's heavy attachment.

- Notifications: ``NOTIFICATION_RETENTION_DAYS`` (365 by default) after they were made,
  once they are read or their email is settled (sent, skipped, failed). Their keys are
  only needed while a job could still make the same reminder (days, not a year).
- Photos of checkpoint results: ``PHOTO_RETENTION_DAYS`` (0, the default: kept for ever,
  since they are evidence). A district that sets, say, 1095 keeps three years. The result
  row stays (it is append-only and sealed in its campus's hash chain, which covers the
  photo's name, not its bytes); its page says the photo was removed under the policy, and
  the audit trail records each removal run.

The daily ``retention`` job runs this; each part commits on its own, so a failure half-way
leaves the rest for the next run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select

from safetyops.audit import operations as audit
from safetyops.core.storage import photo_store
from safetyops.extensions import db
from safetyops.notifications.models import EmailStatus, Notification
from safetyops.rounds.models import RoundResult

SETTLED = (EmailStatus.SENT, EmailStatus.SKIPPED, EmailStatus.FAILED)
BATCH = 500


def prune_notifications(now: datetime) -> int:
    days = int(current_app.config.get("NOTIFICATION_RETENTION_DAYS") or 0)
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    removed = len(
        db.session.execute(
            delete(Notification)
            .where(
                Notification.created_at < cutoff,
                or_(Notification.read_at.is_not(None), Notification.email_status.in_(SETTLED)),
            )
            .returning(Notification.id)  # a count both databases report the same way
        ).all()
    )
    if removed:
        audit.record("retention", "notification", "-", {"removed": [None, removed]})
    db.session.commit()
    return removed


def prune_photos(now: datetime) -> int:
    """Delete stored photos of results recorded before the cutoff (in batches)."""
    days = int(current_app.config.get("PHOTO_RETENTION_DAYS") or 0)
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    store = photo_store()
    names = db.session.scalars(
        select(RoundResult.photo)
        .where(RoundResult.photo.is_not(None), RoundResult.recorded_at < cutoff)
        .order_by(RoundResult.recorded_at)
    ).all()
    removed = 0
    for start in range(0, len(names), BATCH):
        batch = [n for n in names[start : start + BATCH] if n and store.delete(n)]
        removed += len(batch)
        if batch:
            audit.record("retention", "photo", "-", {"removed": [None, len(batch)]})
            db.session.commit()
    return removed


def run(now: datetime) -> dict[str, int]:
    return {"notifications": prune_notifications(now), "photos": prune_photos(now)}
