"""Plain-dict views of models for the JSON API."""

from __future__ import annotations

from safetyops.models import Campus, Checkpoint, User


def campus_json(campus: Campus) -> dict:
    return {
        "code": campus.code,
        "name": campus.name,
        "address": campus.address,
        "timezone": campus.timezone,
        "grade_band": campus.grade_band or None,
        "active": campus.active,
    }


def checkpoint_json(checkpoint: Checkpoint) -> dict:
    return {
        "id": checkpoint.id,
        "name": checkpoint.name,
        "kind": checkpoint.kind,
        "expected_state": checkpoint.expected_state,
        "walk_order": checkpoint.walk_order,
        "location_notes": checkpoint.location_notes,
        "active": checkpoint.active,
    }


def user_json(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "campuses": [c.code for c in user.campuses],
    }
