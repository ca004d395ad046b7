"""A job that fails half-way leaves each finished unit stored and nothing half-done; the
retry (scheduled soon, not at the next slot) does only what is left, sending nothing twice."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from safetyops.notifications import operations as notifications
from safetyops.notifications.models import Notification
from safetyops.scheduler.models import JobRun
from safetyops.scheduler.process import job_runner
from safetyops.scheduler.registry import run_job
from tests.scheduler.test_processes import district  # noqa: F401 - the fixture

NOW = datetime(2026, 9, 1, 16, 0, tzinfo=UTC)


def _keys(db) -> Counter:
    return Counter(db.session.scalars(select(Notification.key)))


def test_a_job_failing_half_way_keeps_its_done_units_and_the_rerun_finishes(
    app,
    db,
    district,  # noqa: F811
    monkeypatch,
):
    # Jobs store their messages in committed chunks (notify_many); one message a chunk
    # here, so the fifth unit fails after four were stored.
    app.config["NOTIFY_BATCH_MESSAGES"] = 1
    real_store = notifications.store_chunk
    calls = {"n": 0}

    def failing_after_four(rows):
        calls["n"] += 1
        if calls["n"] == 5:
            raise ConnectionError("SMTP relay vanished mid-run")
        return real_store(rows)

    monkeypatch.setattr(notifications, "store_chunk", failing_after_four)
    with pytest.raises(ConnectionError):
        run_job("compliance-reminders", NOW, as_of=date(2026, 9, 1))
    partial = _keys(db)
    assert partial and set(partial.values()) == {1}
    failed = db.session.scalar(select(JobRun).order_by(JobRun.id.desc()))
    assert failed.ok is False and failed.finished_at is not None

    monkeypatch.setattr(notifications, "store_chunk", real_store)
    summary = run_job("compliance-reminders", NOW, as_of=date(2026, 9, 1))
    complete = _keys(db)
    assert set(complete.values()) == {1}  # nothing twice
    assert set(partial) < set(complete)  # the first units kept, the rest added
    assert summary["notifications"] == len(complete) - len(partial)

    # A third run finds nothing left to do.
    assert run_job("compliance-reminders", NOW, as_of=date(2026, 9, 1))["notifications"] == 0
    assert db.session.scalar(select(func.count(Notification.id))) == len(complete)


def test_a_failed_run_is_retried_soon_not_at_its_next_slot(app, db, monkeypatch):
    app.config["SCHEDULER_RETRY_MINUTES"] = 3
    scheduler = BackgroundScheduler(timezone=UTC)
    runner = job_runner(app, scheduler)

    def broken(job_id, now=None, as_of=None):
        raise RuntimeError("database restarting")

    monkeypatch.setattr("safetyops.scheduler.process.run_job", broken)
    before = datetime.now(UTC)
    with pytest.raises(RuntimeError):
        runner("weekly-report")()
    retry = scheduler.get_job("weekly-report:retry")
    assert retry is not None
    delay = (retry.trigger.run_date - before).total_seconds()
    assert 170 <= delay <= 190
