"""The notification area's jobs: the daily digest and email delivery with retries."""

from __future__ import annotations

from datetime import time

from flask import current_app

from safetyops.notifications import operations as notifications
from safetyops.scheduler.context import JobContext, hours_minutes


def daily_digest(ctx: JobContext) -> dict:
    zone = current_app.config["SCHEDULER_TIMEZONE"]
    if ctx.as_of is None and ctx.local_now(zone).time() < time(
        *hours_minutes(config_time("DAILY_DIGEST_TIME"))
    ):
        return {"skipped": "before the digest time"}  # e.g. a catch-up run at start-up
    return notifications.send_digests(ctx.local_today(zone).isoformat(), ctx.now)


def config_time(name: str) -> str:
    return current_app.config[name]


def deliver_email(ctx: JobContext) -> dict:
    return notifications.deliver_pending(ctx.now)
