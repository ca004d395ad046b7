"""The scheduler's jobs: ids, schedules, and running one with its bookkeeping."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app
from sqlalchemy import select

from safetyops.extensions import db
from safetyops.jobs import reminders, rounds_watch, weekly_report
from safetyops.jobs.context import JobContext
from safetyops.models import JobRun, utcnow
from safetyops.services import audit, notifications

log = logging.getLogger(__name__)


def _hm(text: str) -> tuple[int, int]:
    hours, minutes = text.split(":")
    return int(hours), int(minutes)


def daily_digest(ctx: JobContext) -> dict:
    zone = current_app.config["SCHEDULER_TIMEZONE"]
    if ctx.as_of is None and ctx.local_now(zone).time() < time(
        *_hm(config_time("DAILY_DIGEST_TIME"))
    ):
        return {"skipped": "before the digest time"}  # e.g. a catch-up run at start-up
    return notifications.send_digests(ctx.local_today(zone).isoformat(), ctx.now)


def config_time(name: str) -> str:
    return current_app.config[name]


def deliver_email(ctx: JobContext) -> dict:
    return notifications.deliver_pending(ctx.now)


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable[[JobContext], dict]
    description: str
    trigger: Callable[[], object]  # an APScheduler trigger, built from the config


def jobs() -> dict[str, Job]:
    config = current_app.config
    zone = config["SCHEDULER_TIMEZONE"]
    report_h, report_m = _hm(config["WEEKLY_REPORT_TIME"])
    digest_h, digest_m = _hm(config["DAILY_DIGEST_TIME"])
    return {
        job.id: job
        for job in (
            Job(
                "compliance-reminders",
                reminders.run,
                "drill reminders at each campus's local reminder time (default 06:30), "
                "met confirmations, overdue escalation",
                # Every 15 minutes: each campus is handled once its own local time comes.
                lambda: IntervalTrigger(minutes=15),
            ),
            Job(
                "missed-rounds",
                rounds_watch.run,
                "missed rounds to supervisors at once; old open findings",
                lambda: IntervalTrigger(minutes=15),
            ),
            Job(
                "weekly-report",
                weekly_report.run,
                "last week's report, made and sent once (Mondays)",
                lambda: CronTrigger(
                    day_of_week="mon", hour=report_h, minute=report_m, timezone=zone
                ),
            ),
            Job(
                "daily-digest",
                daily_digest,
                "one email a day for users who chose the digest",
                lambda: CronTrigger(hour=digest_h, minute=digest_m, timezone=zone),
            ),
            Job(
                "deliver-email",
                deliver_email,
                "send pending emails, retry failed ones",
                lambda: IntervalTrigger(minutes=2),
            ),
        )
    }


def run_job(job_id: str, now: datetime | None = None, as_of=None) -> dict:
    """Run one job now (or as if on ``as_of``), record the run, then send its emails."""
    job = jobs()[job_id]
    ctx = JobContext(now=now or utcnow(), as_of=as_of)
    audit.set_context(None, "system")
    record = JobRun(job_id=job_id, started_at=utcnow(), as_of=as_of)
    db.session.add(record)
    db.session.commit()
    try:
        summary = job.run(ctx)
        if job_id != "deliver-email":
            summary["email"] = notifications.deliver_pending(ctx.now)
    except Exception:
        db.session.rollback()
        record = db.session.get(JobRun, record.id)
        record.finished_at, record.summary = utcnow(), "failed; see the log"
        db.session.commit()
        log.exception("job %s failed", job_id)
        raise
    record = db.session.get(JobRun, record.id)
    record.finished_at, record.ok, record.summary = utcnow(), True, str(summary)
    db.session.commit()
    return summary


def last_runs() -> dict[str, JobRun]:
    out: dict[str, JobRun] = {}
    for run in db.session.scalars(select(JobRun).order_by(JobRun.started_at)):
        out[run.job_id] = run
    return out
