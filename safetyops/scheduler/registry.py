"""The scheduler's jobs: ids, schedules, and running one with its bookkeeping."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import aliased

from safetyops.accounts import tasks as roster_tasks
from safetyops.actions import tasks as action_reminders
from safetyops.audit import ledger
from safetyops.audit import operations as audit
from safetyops.certifications import tasks as certifications
from safetyops.compliance import tasks as reminders
from safetyops.core import observability, retention
from safetyops.core.db import utcnow
from safetyops.extensions import db
from safetyops.notifications import operations as notifications
from safetyops.notifications import tasks as notification_tasks
from safetyops.reports import files as report_files
from safetyops.reports import tasks as weekly_report
from safetyops.rounds import tasks as rounds_watch
from safetyops.scheduler.context import JobContext, hours_minutes
from safetyops.scheduler.models import JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable[[JobContext], dict]
    description: str
    trigger: Callable[[], CronTrigger | IntervalTrigger]  # built from the config


def jobs() -> dict[str, Job]:
    config = current_app.config
    zone = config["SCHEDULER_TIMEZONE"]
    report_h, report_m = hours_minutes(config["WEEKLY_REPORT_TIME"])
    digest_h, digest_m = hours_minutes(config["DAILY_DIGEST_TIME"])
    roster_h, roster_m = hours_minutes(config["ROSTER_SYNC_TIME"])
    remind_h, remind_m = hours_minutes(config["REMINDER_TIME"])
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
                "corrective-action-reminders",
                action_reminders.run,
                "overdue corrective actions to their owner and the principal, once each",
                lambda: IntervalTrigger(hours=1),
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
                notification_tasks.daily_digest,
                "one email a day for users who chose the digest",
                lambda: CronTrigger(hour=digest_h, minute=digest_m, timezone=zone),
            ),
            Job(
                "seal-evidence",
                lambda ctx: {"sealed": ledger.seal()},
                "seal new evidence into each campus's hash chain",
                lambda: IntervalTrigger(minutes=5),
            ),
            Job(
                "roster-sync",
                roster_tasks.run,
                "the staff roster from ROSTER_DIR (OneRoster), nightly",
                lambda: CronTrigger(hour=roster_h, minute=roster_m, timezone=zone),
            ),
            Job(
                "certification-reminders",
                certifications.run,
                "officers' certificates about to expire (CERTIFICATION_REMINDER_DAYS), "
                "escalation once expired",
                lambda: CronTrigger(hour=remind_h, minute=remind_m, timezone=zone),
            ),
            Job(
                "retention",
                lambda ctx: retention.run(ctx.now),
                "old notifications and, if the district sets a period, old photos",
                lambda: CronTrigger(hour=3, minute=15, timezone=zone),
            ),
            Job(
                "report-files",
                lambda ctx: report_files.run(ctx.now),
                "weekly report PDFs too large to make inside a request (the whole district)",
                lambda: IntervalTrigger(seconds=20),
            ),
            Job(
                "deliver-email",
                notification_tasks.deliver_email,
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
    record_id = record.id
    try:
        summary = job.run(ctx)
        if job_id != "deliver-email":
            summary["email"] = notifications.deliver_pending(ctx.now)
    except Exception:
        log.exception("job %s failed", job_id)
        observability.JOB_RUNS.labels(job_id, "failed").inc()
        try:
            db.session.rollback()
            failed = db.session.get(JobRun, record_id)
            if failed is not None:
                failed.finished_at, failed.summary = utcnow(), "failed; see the log"
                db.session.commit()
        except SQLAlchemyError:  # the database went away: the next start finishes the row
            db.session.rollback()
        raise
    observability.JOB_RUNS.labels(job_id, "ok").inc()
    finished = db.session.get(JobRun, record_id)
    if finished is not None:
        finished.finished_at, finished.ok, finished.summary = utcnow(), True, str(summary)
    db.session.commit()
    prune_runs(utcnow())
    return summary


def finish_interrupted_runs(before: datetime) -> int:
    """Mark runs that never finished (their process or the database stopped mid-run) as
    failed, so ``jobs list`` tells the truth. Called by the scheduler when it becomes active:
    no run of its own is in flight then."""
    finished = db.session.execute(
        update(JobRun)
        .where(JobRun.finished_at.is_(None), JobRun.started_at < before)
        .values(finished_at=utcnow(), ok=False, summary="interrupted: the run never finished")
        .returning(JobRun.id)
    ).all()
    db.session.commit()
    return len(finished)


def last_runs() -> dict[str, JobRun]:
    """The latest run of each job, in one query that reads the (job_id, started_at) index
    once per job instead of the whole history."""
    latest = [
        select(JobRun.id)
        .where(JobRun.job_id == job_id)
        .order_by(JobRun.started_at.desc(), JobRun.id.desc())
        .limit(1)
        .scalar_subquery()
        for job_id in jobs()
    ]
    return {
        run.job_id: run for run in db.session.scalars(select(JobRun).where(JobRun.id.in_(latest)))
    }


def prune_runs(now: datetime) -> int:
    """Delete finished runs older than ``JOB_RUN_KEEP_DAYS`` (one DELETE by the started_at
    index), keeping each job's latest run whatever its age. Returns how many went."""
    keep_days = int(current_app.config.get("JOB_RUN_KEEP_DAYS") or 0)
    if keep_days <= 0:
        return 0
    newer = aliased(JobRun)
    gone = db.session.execute(
        delete(JobRun)
        .where(
            JobRun.started_at < now - timedelta(days=keep_days),
            JobRun.finished_at.is_not(None),
            select(newer.id)
            .where(newer.job_id == JobRun.job_id, newer.started_at > JobRun.started_at)
            .exists(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(getattr(gone, "rowcount", 0) or 0)
