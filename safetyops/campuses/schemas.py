"""API contract of the campuses area: campuses and their checkpoints."""

from __future__ import annotations

from pydantic import BaseModel

from safetyops.campuses.models import CheckpointKind, ExpectedState, GradeBand


class CampusOut(BaseModel):
    code: str
    name: str
    address: str
    timezone: str
    grade_band: GradeBand | None
    active: bool


class CheckpointOut(BaseModel):
    id: int
    name: str
    kind: CheckpointKind
    expected_state: ExpectedState
    walk_order: int
    location_notes: str
    active: bool
