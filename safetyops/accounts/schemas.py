"""API contract of the accounts area."""

from __future__ import annotations

from pydantic import BaseModel

from safetyops.accounts.models import Role


class UserOut(BaseModel):
    id: int
    email: str
    name: str
    role: Role
    campuses: list[str]
