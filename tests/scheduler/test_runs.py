"""Job-run bookkeeping survives interruptions: runs that never finished are closed as
failed when the scheduler next becomes active."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from safetyops.scheduler.models import JobRun
from safetyops.scheduler.registry import finish_interrupted_runs


def test_unfinished_runs_are_marked_failed_finished_ones_untouched(db):
    now = datetime.now(UTC)
    interrupted = JobRun(job_id="missed-rounds", started_at=now - timedelta(hours=1))
    done = JobRun(
        job_id="deliver-email",
        started_at=now - timedelta(hours=2),
        finished_at=now - timedelta(hours=2),
        ok=True,
        summary="{'sent': 3}",
    )
    later = JobRun(job_id="daily-digest", started_at=now + timedelta(minutes=1))
    db.session.add_all([interrupted, done, later])
    db.session.commit()

    assert finish_interrupted_runs(now) == 1

    db.session.expire_all()
    rows = {r.job_id: r for r in db.session.scalars(select(JobRun))}
    assert rows["missed-rounds"].finished_at is not None
    assert rows["missed-rounds"].ok is False
    assert rows["missed-rounds"].summary.startswith("interrupted")
    assert rows["deliver-email"].ok is True and rows["deliver-email"].summary == "{'sent': 3}"
    assert rows["daily-digest"].finished_at is None  # started after: not this call's business
    assert finish_interrupted_runs(now) == 0
