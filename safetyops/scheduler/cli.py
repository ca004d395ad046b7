"""``safetyops scheduler`` (the one scheduler process) and ``safetyops jobs list|run``."""

from __future__ import annotations

import logging

import click
from flask import current_app


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the job scheduler (one process; a second one waits as a standby)."""
    from safetyops.scheduler.process import run_scheduler

    level = current_app.config.get("LOG_LEVEL", "INFO")
    logging.basicConfig(level=level, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # our own lines say enough
    run_scheduler(current_app._get_current_object())  # type: ignore[attr-defined]  # the proxy's


@click.group("jobs")
def jobs_group() -> None:
    """The scheduler's jobs."""


@jobs_group.command("list")
def jobs_list() -> None:
    """Each job, its schedule, its last run and its next run."""
    from datetime import UTC, datetime

    from safetyops.scheduler.registry import jobs, last_runs

    now = datetime.now(UTC)
    runs = last_runs()
    for job in jobs().values():
        trigger = job.trigger()
        following = trigger.get_next_fire_time(None, now)
        last = runs.get(job.id)
        last_text = "never"
        if last is not None:
            state = "ok" if last.ok else ("running" if last.finished_at is None else "FAILED")
            last_text = f"{last.started_at:%Y-%m-%d %H:%M} UTC ({state}) {last.summary}"
        click.echo(f"{job.id}\n  what: {job.description}\n  schedule: {trigger}")
        click.echo(f"  last run: {last_text}\n  next run: {following:%Y-%m-%d %H:%M %Z}")


@jobs_group.command("run")
@click.argument("job_id")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="As if on this date.")
def jobs_run(job_id: str, as_of) -> None:
    """Run one job now (idempotent: running it again sends nothing new)."""
    from safetyops.scheduler.registry import jobs, run_job

    if job_id not in jobs():
        raise click.ClickException(f"unknown job {job_id!r}; one of: {', '.join(jobs())}")
    try:
        summary = run_job(job_id, as_of=as_of.date() if as_of else None)
    except Exception as exc:
        raise click.ClickException(f"{job_id} failed: {exc} (details in the log)") from exc
    click.echo(f"{job_id}: {summary}")
