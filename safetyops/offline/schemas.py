"""API contract of the tablet's offline copy and outbox session."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from safetyops.campuses.schemas import CheckpointOut
from safetyops.rounds.models import RoundKind


class SessionOut(BaseModel):
    user_id: int = Field(description="the signed-in user: the outbox sends only their entries")
    csrf_token: str = Field(description="for the X-CSRFToken header of the outbox's requests")
    server_time: dt.datetime


class CampusCopy(BaseModel):
    code: str
    name: str
    timezone: str
    checkpoints: list[CheckpointOut] = Field(description="active checkpoints in walking order")


class WindowCopy(BaseModel):
    day: dt.date = Field(description="the campus's local date")
    start: dt.datetime
    end: dt.datetime


class PlanCopy(BaseModel):
    id: int
    name: str
    kind: RoundKind
    campus: str
    checkpoint_ids: list[int] = Field(description="active checkpoints in walking order")
    windows: list[WindowCopy] = Field(description="today's and tomorrow's windows")


class ChoiceOut(BaseModel):
    value: str
    label: str


class BundleOut(BaseModel):
    """What an officer needs with no connection, for their campuses."""

    user_id: int
    generated_at: dt.datetime
    campuses: list[CampusCopy]
    plans: list[PlanCopy] = Field(description="plans that run today or tomorrow")
    drill_types: list[ChoiceOut]
    pages: list[str] = Field(description="the pages the tablet keeps a copy of")
