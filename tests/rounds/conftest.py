"""Fixtures for round tests: a morning door-check plan at campus A."""

import pytest


@pytest.fixture
def plan(two_campuses):
    from safetyops.rounds.operations import save_plan

    campus = two_campuses["a"]
    return save_plan(
        campus,
        {
            "name": "Morning doors",
            "kind": "exterior_door_check",
            "weekdays": [1, 2, 3, 4, 5],
            "windows": "06:45-07:30",
            "school_days_only": True,
            "grace_minutes": 15,
            "checkpoint_ids": [cp.id for cp in campus.checkpoints],
        },
    )
