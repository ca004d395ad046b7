"""``safetyops scheduler``: one process runs every job on its schedule.

On PostgreSQL an advisory lock elects the active scheduler: a second process waits as a
standby and takes over when the first one's connection goes away (it died). On SQLite
there is one scheduler per database by deployment. Either way a job that runs twice sends
nothing twice: every notification and once-only slot has a unique key in the database.
"""

from __future__ import annotations

import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_ERROR
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import Connection, text

from safetyops.extensions import db
from safetyops.scheduler.registry import finish_interrupted_runs, jobs, run_job

log = logging.getLogger("safetyops.scheduler")
LOCK_KEY = 0x5AFE0B5  # pg_advisory_lock key of the active scheduler


class LeaderLock:
    """Held for the life of the process on a connection of its own."""

    def __init__(self, app: Flask):
        self.app = app
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        with self.app.app_context():
            if db.engine.dialect.name != "postgresql":
                return True
            if self.connection is None:
                self.connection = db.engine.connect()
            got = self.connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY})
            held = bool(got.scalar())
            self.connection.commit()
            return held

    def still_held(self) -> bool:
        if self.connection is None:
            return True
        try:
            self.connection.execute(text("SELECT 1"))
            self.connection.commit()
            return True
        except Exception:  # noqa: BLE001 - the connection (and so the lock) is gone
            return False


def _say(message: str) -> None:
    # Plain stdout lines: what an operator (and the takeover test) reads.
    print(f"scheduler: {message}", flush=True)


def job_runner(app: Flask, scheduler: BaseScheduler):
    """A job's callable for APScheduler. A failed run is tried again after
    SCHEDULER_RETRY_MINUTES instead of waiting for its next slot (a week, for Monday's
    report): each unit of work commits on its own with a unique key, so the retry does
    only what the failed run left undone."""
    retry_after = timedelta(minutes=float(app.config.get("SCHEDULER_RETRY_MINUTES", 5)))

    def runner(job_id: str):
        def run() -> None:
            try:
                with app.app_context():
                    summary = run_job(job_id, datetime.now(UTC))
            except Exception:
                scheduler.add_job(
                    runner(job_id),
                    "date",
                    run_date=datetime.now(UTC) + retry_after,
                    id=f"{job_id}:retry",
                    replace_existing=True,
                )
                _say(f"{job_id} failed; retrying in {retry_after}")
                raise
            log.info("%s: %s", job_id, summary)

        return run

    return runner


def run_scheduler(app: Flask) -> None:
    poll = float(app.config.get("SCHEDULER_LOCK_POLL_SECONDS", 5))
    lock = LeaderLock(app)
    if not lock.acquire():
        _say("standby (another scheduler is active)")
        while not lock.acquire():
            time.sleep(poll)
    _say("active")
    with app.app_context():
        interrupted = finish_interrupted_runs(datetime.now(UTC))
    if interrupted:
        _say(f"{interrupted} interrupted run(s) marked failed")

    scheduler = BlockingScheduler(timezone=UTC)
    runner = job_runner(app, scheduler)
    with app.app_context():
        for job in jobs().values():
            # Catch-up: every job runs once at start-up, then on its schedule. Jobs decide
            # what is still useful (current reminders only, today's digest only, ...).
            scheduler.add_job(
                runner(job.id),
                job.trigger(),
                id=job.id,
                next_run_time=datetime.now(UTC),
                coalesce=True,
                max_instances=1,
                misfire_grace_time=3600,
            )

    def check_lock() -> None:
        if not lock.still_held():
            _say("lost the database connection holding the lock; stopping")
            scheduler.shutdown(wait=False)

    scheduler.add_job(check_lock, "interval", seconds=max(poll, 5), id="leader-check")
    scheduler.add_listener(
        lambda event: log.error("job %s failed: %s", event.job_id, event.exception),
        EVENT_JOB_ERROR,
    )
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
