"""Editing a round plan: unchanged resubmits, renames, removing and re-adding checkpoints,
changing windows; each real change is one audit event, an unchanged one none."""

from __future__ import annotations

from sqlalchemy import func, select

from safetyops.audit.models import AuditEvent
from safetyops.rounds.models import RoundPlan


def _form(plan, **changes) -> dict:
    data = {
        "name": plan.name,
        "kind": plan.kind,
        "weekdays": [str(d) for d in plan.weekdays],
        "windows": "06:45-07:30",
        "grace_minutes": str(plan.grace_minutes),
        "school_days_only": "y",
        "checkpoint_ids": [str(s.checkpoint_id) for s in plan.stops],
    }
    data.update(changes)
    return data


def _plan_updates(db) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == "round_plan", AuditEvent.action == "update")
    )


def test_editing_a_plan_unchanged_renamed_and_with_fewer_checkpoints(
    client, two_campuses, plan, db
):  # noqa: F811
    client.login(two_campuses["supervisor_a"])
    url = f"/round-plans/{plan.id}/edit"
    ids = [s.checkpoint_id for s in plan.stops]

    unchanged = client.post(url, _form(plan))
    assert unchanged.status_code == 302
    assert _plan_updates(db) == 0  # nothing changed, nothing recorded

    renamed = client.post(url, _form(plan, name="Morning doors (east)"))
    assert renamed.status_code == 302

    fewer = client.post(
        url, _form(plan, name="Morning doors (east)", checkpoint_ids=[str(i) for i in ids[:-1]])
    )
    assert fewer.status_code == 302
    db.session.expire_all()
    saved = db.session.get(RoundPlan, plan.id)
    assert saved.name == "Morning doors (east)"
    assert [s.checkpoint_id for s in saved.stops] == ids[:-1]

    back = client.post(
        url,
        _form(saved, checkpoint_ids=[str(i) for i in ids], windows="06:45-07:30, 15:45-16:30"),
    )
    assert back.status_code == 302
    db.session.expire_all()
    saved = db.session.get(RoundPlan, plan.id)
    assert [s.checkpoint_id for s in saved.stops] == ids
    assert [(w.start.isoformat(), w.end.isoformat()) for w in saved.windows] == [
        ("06:45:00", "07:30:00"),
        ("15:45:00", "16:30:00"),
    ]
    assert _plan_updates(db) == 3
