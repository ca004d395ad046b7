"""Corrective-action rules, pure: when an open action is overdue, and by how much."""

from __future__ import annotations

import enum
from datetime import date


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


def is_overdue(status: str, due_on: date, today: date) -> bool:
    """Open past its due date (the due date itself is still on time)."""
    return status == ActionStatus.OPEN and today > due_on


def days_overdue(due_on: date, today: date) -> int:
    return max(0, (today - due_on).days)
