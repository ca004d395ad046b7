"""Showing UTC instants in a campus's own time zone (template filters)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def localtime(moment: datetime | None, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%H:%M") if moment else ""


def localday(moment: datetime | None, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %d %b") if moment else ""


def campus_today(campus, now: datetime | None = None) -> date:
    """Today's date at ``campus`` (what compliance and calendars count by)."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(campus.timezone)).date()
