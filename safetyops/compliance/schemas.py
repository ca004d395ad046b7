"""API contract of the compliance area: a campus's drill requirements."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

Status = Literal["met", "late", "due", "overdue", "upcoming", "not_required"]


class ComplianceQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    as_of: dt.date | None = None


class RequirementOut(BaseModel):
    rule: str
    drill: str
    period: str
    window_start: dt.date
    deadline: dt.date
    required: int
    counted: int
    status: Status
    drills: list[int]


class ComplianceOut(BaseModel):
    campus: str
    as_of: dt.date
    requirements: list[RequirementOut]
