"""The periodic jobs run a fixed number of statements whatever the number of campuses, and
the job-run history is pruned and read by index (issue 16)."""

from __future__ import annotations

from datetime import date, timedelta

import jobs  # bench/jobs.py: bench/ is put on sys.path by conftest.py
import pytest
from sqlalchemy import func, select

from safetyops.extensions import db
from safetyops.scheduler.models import JobRun
from safetyops.scheduler.registry import last_runs, prune_runs, run_job

TODAY = jobs.school_day(date.today() - timedelta(days=1))


@pytest.mark.parametrize("job_id", jobs.JOBS)
def test_queries_do_not_grow_with_campuses(app, job_id):
    jobs.fill(2, TODAY)
    few, few_summary = jobs.measure(job_id, jobs.moment(TODAY))
    jobs.fill(18, TODAY, start=3)
    many, many_summary = jobs.measure(job_id, jobs.moment(TODAY))
    assert many.queries == few.queries, (few.statements, many.statements)
    if job_id == "missed-rounds":
        assert few_summary["missed"] == 2 and many_summary["missed"] == 20
        # Every missed round told its supervisor once: 2 at first, then the 18 new ones.
        assert few_summary["notifications"] == 2 and many_summary["notifications"] == 18
    else:
        assert many_summary["campuses"] == 20
        assert many_summary["notifications"] >= few_summary["notifications"]


def test_a_second_run_tells_nobody_twice(app):
    jobs.fill(3, TODAY)
    first = run_job("missed-rounds", now=jobs.moment(TODAY))
    again = run_job("missed-rounds", now=jobs.moment(TODAY))
    assert first["notifications"] == 3 and again["notifications"] == 0


@pytest.mark.config(JOB_RUN_KEEP_DAYS=7)
def test_history_is_pruned_but_each_jobs_last_run_kept(app):
    now = jobs.moment(TODAY)
    old = now - timedelta(days=30)
    db.session.add_all(
        [
            JobRun(job_id="deliver-email", started_at=old, finished_at=old, ok=True),
            JobRun(job_id="deliver-email", started_at=old, finished_at=None),  # never finished
            JobRun(job_id="weekly-report", started_at=old, finished_at=old, ok=True),
            JobRun(job_id="deliver-email", started_at=now - timedelta(days=1),
                   finished_at=now - timedelta(days=1), ok=True),
        ]
    )  # fmt: skip
    db.session.commit()
    assert prune_runs(now) == 1  # the old finished email run; not the last weekly report
    left = db.session.execute(select(JobRun.job_id, JobRun.started_at)).all()
    assert len(left) == 3
    assert {j for j, _ in left} == {"deliver-email", "weekly-report"}
    runs = last_runs()
    assert runs["weekly-report"].started_at == old
    assert runs["deliver-email"].started_at == now - timedelta(days=1)


def test_every_run_prunes(app):
    app.config["JOB_RUN_KEEP_DAYS"] = 1
    old = jobs.moment(TODAY) - timedelta(days=5)
    db.session.add(JobRun(job_id="missed-rounds", started_at=old, finished_at=old, ok=True))
    db.session.commit()
    run_job("missed-rounds")
    assert db.session.scalar(select(func.count(JobRun.id))) == 1


def test_last_runs_is_one_query_whatever_the_history(app):
    now = jobs.moment(TODAY)
    db.session.add_all(
        JobRun(job_id="deliver-email", started_at=now - timedelta(minutes=2 * n),
               finished_at=now, ok=True)
        for n in range(200)
    )  # fmt: skip
    db.session.commit()
    counted, runs = jobs.measure_history()
    assert counted.queries == 1
    assert runs["deliver-email"].started_at == now
    assert "missed-rounds" not in runs


@pytest.mark.config(JOB_RUN_KEEP_DAYS=0)
def test_no_pruning_when_keep_days_is_zero(app):
    old = jobs.moment(TODAY) - timedelta(days=400)
    db.session.add_all(
        JobRun(job_id="deliver-email", started_at=old + timedelta(minutes=n), finished_at=old,
               ok=True)
        for n in range(3)
    )  # fmt: skip
    db.session.commit()
    assert prune_runs(jobs.moment(TODAY)) == 0
    assert db.session.scalar(select(func.count(JobRun.id))) == 3


@pytest.mark.parametrize("per_chunk", [1, 200])
def test_notify_many_stores_each_message_once_whatever_the_chunk(app, per_chunk):
    from safetyops.accounts.models import User
    from safetyops.notifications import operations as notifications
    from safetyops.notifications.models import Notification
    from safetyops.notifications.operations import Message

    app.config["NOTIFY_BATCH_MESSAGES"] = per_chunk
    jobs.fill(2, TODAY)
    users = list(db.session.scalars(select(User).where(User.role == "supervisor")))
    batch = [
        (users, Message(key=f"bench-test:{n}", kind="round_missed", params={
            "campus": "J001", "plan": "Doors", "zone": "America/Denver",
            "window_start": "2026-12-01T13:45:00+00:00"}, link="/"))
        for n in range(3)
    ]  # fmt: skip
    assert notifications.notify_many(batch) == 6  # 3 messages x 2 supervisors
    assert notifications.notify_many(batch) == 0  # a retry stores nothing twice
    assert notifications.notify_many([]) == 0
    assert db.session.scalar(select(func.count(Notification.id))) == 6
