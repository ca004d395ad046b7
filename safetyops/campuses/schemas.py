"""API contract of the campuses area: campuses and their checkpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from safetyops.campuses.models import CheckpointKind, ExpectedState, GradeBand
from safetyops.core.input_guard import INT_MAX


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


# ---- CSV rows (the import files; the admin forms have the same bounds) -----------------

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
CODE_WORDING = {"code": "must be 1-32 letters, digits, - or _"}


class CampusRow(BaseModel):
    """``code,name,timezone,address,grade_band`` (the last two may be empty)."""

    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    name: Annotated[str, Field(min_length=1, max_length=160)]
    timezone: Annotated[str, Field(min_length=1, max_length=64)]
    address: Annotated[str, Field(max_length=255)] = ""
    grade_band: GradeBand | None = None


class CheckpointRow(BaseModel):
    """``campus_code,name,kind[,walk_order,expected_state,location_notes]``."""

    campus_code: Annotated[str, Field(min_length=1, max_length=32)]
    name: Annotated[str, Field(min_length=1, max_length=160)]
    kind: CheckpointKind
    walk_order: Annotated[int, Field(ge=0, le=INT_MAX)] | None = None
    expected_state: ExpectedState = ExpectedState.LOCKED
    location_notes: Annotated[str, Field(max_length=2000)] = ""
