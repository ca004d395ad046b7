"""The clock a job runs on: real time from the scheduler, any time from tests and
``safetyops jobs run JOB --as-of DATE``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class JobContext:
    now: datetime  # aware
    as_of: date | None = None  # "as if on that date": run for the whole day, any hour

    def local_now(self, timezone: str) -> datetime:
        """Now at a campus; with ``as_of``, the end of that day there."""
        zone = ZoneInfo(timezone)
        if self.as_of is not None:
            return datetime.combine(self.as_of, time(23, 59), zone)
        return self.now.astimezone(zone)

    def local_today(self, timezone: str) -> date:
        return self.local_now(timezone).date()


def link_to(endpoint: str, **values) -> str:
    """A site path for a notification, built outside any request (jobs have none)."""
    from flask import current_app, url_for

    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, **values)


def hours_minutes(text: str) -> tuple[int, int]:
    """``"HH:MM"`` from the configuration as (hours, minutes)."""
    hours, minutes = text.split(":")
    return int(hours), int(minutes)
