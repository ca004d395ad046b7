"""Retention: old settled notifications go; photos go only when the district sets a period,
the result row (evidence) stays and its page says why the photo is gone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from safetyops.audit.models import AuditEvent
from safetyops.core import retention
from safetyops.core.db import utcnow
from safetyops.notifications import operations as notifications
from safetyops.notifications.models import EmailStatus, Notification
from safetyops.rounds.models import RoundResult
from tests.rounds.test_photos import _phone_jpeg, _upload


def _notice(key: str):
    return notifications.Message(key=key, kind="test", subject=key, body="", link="/")


def test_old_settled_notifications_go_unsettled_and_recent_ones_stay(app, db, make_user):
    app.config["NOTIFICATION_RETENTION_DAYS"] = 30
    user = make_user("principal")
    for key in ("old-read", "old-sent", "old-pending", "recent-read"):
        notifications.notify([user], _notice(key))
    old = utcnow() - timedelta(days=31)
    db.session.execute(
        update(Notification)
        .where(Notification.key.like("old-%"))
        .values(created_at=old, email_status=EmailStatus.PENDING)
    )
    db.session.execute(
        update(Notification).where(Notification.key.like("%-read%")).values(read_at=utcnow())
    )
    db.session.execute(
        update(Notification)
        .where(Notification.key.like("old-sent%"))
        .values(email_status=EmailStatus.SENT)
    )
    db.session.commit()

    assert retention.prune_notifications(utcnow()) == 2
    left = set(db.session.scalars(select(Notification.key)))
    assert {k.split(":")[0] for k in left} == {"old-pending", "recent-read"}
    assert (
        db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "retention"))
        == 1
    )


def test_photos_are_kept_unless_a_period_is_set(app, client, db, two_campuses, plan):
    from safetyops.scheduler.registry import run_job

    client.login(two_campuses["officer_a"])
    result_id, response = _upload(client, plan, _phone_jpeg(), "door.jpg")
    assert response.status_code == 200
    later = utcnow() + timedelta(days=400)
    assert retention.prune_photos(later) == 0  # the default: photos are kept for ever
    assert client.get(f"/photos/{result_id}").status_code == 200

    app.config["PHOTO_RETENTION_DAYS"] = 365
    assert retention.prune_photos(utcnow()) == 0  # too recent
    assert run_job("retention", later)["photos"] == 1
    assert run_job("retention", later)["photos"] == 0  # already gone: nothing twice
    assert db.session.get(RoundResult, result_id).photo  # the evidence row is untouched
    gone = client.get(f"/photos/{result_id}")
    assert gone.status_code == 404
    assert "retention" in gone.get_data(as_text=True)
