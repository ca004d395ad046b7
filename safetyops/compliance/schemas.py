"""API contract of the compliance area: a campus's drill requirements."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from safetyops.compliance.engine import RequirementStatus


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
    status: RequirementStatus
    drills: list[int]


class ComplianceOut(BaseModel):
    campus: str
    as_of: dt.date
    requirements: list[RequirementOut]
