"""Schemas every API route shares: the error body."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    """Every error: what is wrong, and which field when one is to blame."""

    error: str
    field: str | None = Field(default=None, description="the request field at fault")
    errors: dict[str, Any] | None = Field(default=None, description="all field errors")
