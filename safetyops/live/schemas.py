"""The live area's contract: a tap as the tablet sends it, the drill's state as the
tablets poll it, and a campus-area CSV row."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    field_validator,
)

from safetyops.core.input_guard import INT_MAX
from safetyops.live.domain import TapIssue
from safetyops.live.models import AreaKind, LiveStatus

Id = Annotated[StrictInt, Field(ge=1, le=INT_MAX)]
NOTE_MAX = 500
AREA_NAME_MAX = 120


class TapIn(BaseModel):
    """One "clear / accounted for" tap. ``client_id`` (the tablet's UUID) makes it
    idempotent: the same id and body again answers 200; another body under it, 409."""

    model_config = ConfigDict(str_strip_whitespace=True)

    client_id: uuid.UUID
    area_id: Id = Field(description="a campus area of this drill (its id in ``areas``)")
    tapped_at: AwareDatetime | None = Field(
        default=None, description="the tablet's time of the tap, with its offset; none: now"
    )
    issue: TapIssue | None = None
    note: Annotated[StrictStr, Field(max_length=NOTE_MAX)] = ""

    @field_validator("issue", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("note", mode="before")
    @classmethod
    def _no_note(cls, value: Any) -> Any:
        return "" if value is None else value


class TapOut(BaseModel):
    id: str
    area_id: int
    by: str
    tapped_at: dt.datetime
    seconds: int = Field(description="seconds from the start")
    issue: TapIssue | None
    note: str
    first: bool = Field(description="this tap is the area's clear time")


class LiveAreaOut(BaseModel):
    area_id: int
    name: str
    cleared_at: dt.datetime | None
    cleared_by: str | None
    seconds: int | None = Field(description="seconds from the start to the first clear tap")
    taps: list[TapOut]


class LiveOut(BaseModel):
    id: int
    campus: str
    drill_type: str
    real_event: bool
    announced: bool
    status: LiveStatus
    started_at: dt.datetime
    ended_at: dt.datetime | None
    server_now: dt.datetime
    cleared: int
    total: int
    all_clear_seconds: int | None
    drill_id: int | None
    areas: list[LiveAreaOut]


class TapResultOut(BaseModel):
    tap: TapOut
    created: bool


class AreaOut(BaseModel):
    id: int
    name: str
    kind: AreaKind
    position: int


# ---- the CSV row (the area form has the same bounds) -----------------------------------


class AreaRow(BaseModel):
    """``campus_code,name,kind[,position]``."""

    campus_code: Annotated[str, Field(min_length=1, max_length=32)]
    name: Annotated[str, Field(min_length=1, max_length=AREA_NAME_MAX)]
    kind: AreaKind = AreaKind.BUILDING
    position: Annotated[int, Field(ge=0, le=INT_MAX)] | None = None
