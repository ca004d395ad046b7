"""Showing UTC instants in a campus's own time zone (template filters), in the reader's
locale through Babel's formatters (core/i18n.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from safetyops.core.i18n import localday, localtime

__all__ = ["campus_today", "localday", "localtime"]


def campus_today(campus, now: datetime | None = None) -> date:
    """Today's date at ``campus`` (what compliance and calendars count by)."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(campus.timezone)).date()
