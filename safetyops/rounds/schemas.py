"""API contract of the rounds area: plans, rounds, results (the tablet's writes)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator

from safetyops.campuses.schemas import CheckpointOut
from safetyops.core.input_guard import INT_MAX
from safetyops.findings.models import ActionTaken, FindingKind
from safetyops.rounds.models import CaptureMethod, ResultStatus, RoundKind

Id = Annotated[StrictInt, Field(ge=1, le=INT_MAX)]
Text = Annotated[StrictStr, Field(max_length=2000)]
BATCH_MAX = 200


class PlanOut(BaseModel):
    id: int
    name: str
    kind: RoundKind
    campus: str
    weekdays: list[int]
    school_days_only: bool
    windows: str = Field(description="local time windows, e.g. 06:45-07:30, 15:45-16:30")
    grace_minutes: int
    checkpoint_ids: list[int]


class RoundStartIn(BaseModel):
    plan_id: Id
    id: uuid.UUID | None = Field(
        default=None, description="the tablet's UUID: the same one twice starts one round"
    )
    started_at: dt.datetime | None = Field(
        default=None,
        description="the device's time of the tap (a round started offline is sent later); "
        "corrected by the device's clock skew (X-Sent-At header)",
    )


class ResultIn(BaseModel):
    """One checkpoint checked. The client's UUID makes posting it idempotent. The rules
    that need the round (its checkpoints, its campus's time zone) are rounds.operations'."""

    id: uuid.UUID
    checkpoint_id: Id
    status: ResultStatus
    finding_kind: FindingKind | None = Field(default=None, description="when status is problem")
    note: Text = ""
    action_taken: ActionTaken | None = None
    recorded_at: dt.datetime = Field(
        description="the device's time (ISO 8601; without an offset: the campus's local time)"
    )
    capture: CaptureMethod | None = Field(
        default=None, description="how it was captured: qr (label scanned), list (tap), form"
    )

    @field_validator("finding_kind", "action_taken", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("note", mode="before")
    @classmethod
    def _no_note(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("recorded_at", mode="before")
    @classmethod
    def _iso_text(cls, value: Any) -> Any:
        # Text only: pydantic would read a number as seconds since 1970.
        if not isinstance(value, str | dt.datetime):
            raise ValueError("must be an ISO 8601 date-time")
        return value


class ResultOut(BaseModel):
    id: str
    checkpoint_id: int
    status: ResultStatus
    finding_kind: FindingKind | None
    note: str
    action_taken: ActionTaken | None
    photo: bool
    recorded_at: dt.datetime
    received_at: dt.datetime


class RoundOut(BaseModel):
    id: int
    campus: str
    plan_id: int | None
    officer: str
    started_at: dt.datetime
    completed_at: dt.datetime | None
    incomplete_reason: str | None
    checkpoints: list[CheckpointOut]
    results: list[ResultOut]


class BatchIn(BaseModel):
    """Results queued offline; each is validated, stored or refused on its own."""

    model_config = ConfigDict(json_schema_extra={"description": "up to 200 results"})

    results: Annotated[list[Any], Field(min_length=1, max_length=BATCH_MAX)]


class BatchItemOut(BaseModel):
    id: Any = None
    status: int = Field(description="201 stored, 200 already stored, 400 refused, 409 conflict")
    error: str | None = None
    field: str | None = None


class BatchOut(BaseModel):
    results: list[BatchItemOut]


class CompleteIn(BaseModel):
    reason: Text | None = Field(
        default=None, description="required when checkpoints are left unchecked"
    )
    finished_at: dt.datetime | None = Field(
        default=None,
        description="the device's time of the tap (a round finished offline is sent later); "
        "corrected by the device's clock skew (X-Sent-At header)",
    )
