"""Plain-dict views of models for the JSON API."""

from __future__ import annotations

from typing import Any

from safetyops.accounts.models import User
from safetyops.campuses.models import Campus, Checkpoint


def campus_json(campus: Campus) -> dict:
    return {
        "code": campus.code,
        "name": campus.name,
        "address": campus.address,
        "timezone": campus.timezone,
        "grade_band": campus.grade_band or None,
        "active": campus.active,
    }


def checkpoint_json(checkpoint: Checkpoint | Any) -> dict:
    """A checkpoint, or a row of its columns (``_CHECKPOINT_COLUMNS``)."""
    return {
        "id": checkpoint.id,
        "name": checkpoint.name,
        "kind": checkpoint.kind,
        "expected_state": checkpoint.expected_state,
        "walk_order": checkpoint.walk_order,
        "location_notes": checkpoint.location_notes,
        "active": checkpoint.active,
    }


_CHECKPOINT_COLUMNS = (
    Checkpoint.id, Checkpoint.name, Checkpoint.kind, Checkpoint.expected_state,
    Checkpoint.walk_order, Checkpoint.location_notes, Checkpoint.active,
)  # fmt: skip


def user_json(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "campuses": [c.code for c in user.campuses],
    }


def plan_json(plan) -> dict:
    from safetyops.rounds.domain import format_windows

    return {
        "id": plan.id,
        "name": plan.name,
        "kind": plan.kind,
        "campus": plan.campus.code,
        "weekdays": plan.weekdays,
        "school_days_only": plan.school_days_only,
        "windows": format_windows((w.start, w.end) for w in plan.windows),
        "grace_minutes": plan.grace_minutes,
        "checkpoint_ids": [s.checkpoint_id for s in plan.stops],
    }


def result_json(result) -> dict:
    return {
        "id": result.id,
        "checkpoint_id": result.checkpoint_id,
        "status": result.status,
        "finding_kind": result.finding_kind,
        "note": result.note,
        "action_taken": result.action_taken,
        "photo": bool(result.photo),
        "recorded_at": result.recorded_at.isoformat(),
        "received_at": result.received_at.isoformat(),
    }


def round_json(round_) -> dict:
    from sqlalchemy import select

    from safetyops.campuses.models import Checkpoint
    from safetyops.extensions import db

    # Plain rows, not models: a round start and a completion answer with all its stops,
    # and loading 20 models was a good part of their CPU (issue 16).
    checkpoints = {
        cp.id: cp
        for cp in db.session.execute(
            select(*_CHECKPOINT_COLUMNS).where(Checkpoint.id.in_(round_.checkpoint_ids))
        )
    }
    return {
        "id": round_.id,
        "campus": round_.campus.code,
        "plan_id": round_.plan_id,
        "officer": round_.officer.email,
        "started_at": round_.started_at.isoformat(),
        "completed_at": round_.completed_at.isoformat() if round_.completed_at else None,
        "incomplete_reason": round_.incomplete_reason or None,
        "checkpoints": [checkpoint_json(checkpoints[i]) for i in round_.checkpoint_ids],
        "results": [result_json(r) for r in round_.results],
    }
