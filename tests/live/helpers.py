"""Shared by the live-drill and corrective-action tests: areas, a live drill, taps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from safetyops.live import operations as live_ops
from safetyops.live.schemas import TapIn

AREA_NAMES = ("North wing", "Gym", "Field")


def make_areas(campus, names=AREA_NAMES):
    return [live_ops.create_area(campus, {"name": n, "kind": "building"}) for n in names]


def start_live(campus, user, areas, drill_type="lockdown", real=False, started_at=None):
    live, _created = live_ops.start(
        campus,
        user,
        {"drill_type": drill_type, "real_event": real, "announced": True,
         "area_ids": [a.id for a in areas]},
        str(uuid.uuid4()),
    )  # fmt: skip
    if started_at is not None:  # a drill that started a while ago (times in tests)
        from safetyops.extensions import db

        live.started_at = started_at
        db.session.commit()
    return live


def tap(live, user, area, seconds=None, issue=None, note="", client_id=None):
    at = live.started_at + timedelta(seconds=seconds) if seconds is not None else None
    body = TapIn.model_validate(
        {"client_id": client_id or str(uuid.uuid4()), "area_id": area.id, "tapped_at": at,
         "issue": issue, "note": note}
    )  # fmt: skip
    return live_ops.record_tap(live, user, body)


def minutes_ago(n: int) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=n)


def enum_rows(db, campus, user) -> None:
    """A row in each table of this area with an enumeration column (tests/core/test_enums)."""
    from safetyops.actions import operations as actions

    areas = make_areas(campus, ("Enum wing",))
    live = start_live(campus, user, areas, started_at=minutes_ago(5))
    tap(live, user, areas[0], seconds=30, issue="door_would_not_lock")
    live, _ended = live_ops.end(live, user)
    from safetyops.accounts.models import Role, User

    admin = db.session.scalar(
        db.select(User).where(User.role == Role.SAFETY_ADMIN, User.active.is_(True))
    )
    actions.create(
        live.drill,
        admin,
        {"description": "Fix the lock", "owner_id": admin.id,
         "due_on": datetime.now(UTC).date()},
        str(uuid.uuid4()),
    )  # fmt: skip
