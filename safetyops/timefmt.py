"""Showing UTC instants in a campus's own time zone (template filters)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def localtime(moment: datetime | None, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%H:%M") if moment else ""


def localday(moment: datetime | None, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %d %b") if moment else ""
