"""Queries and time of the scheduler's periodic jobs for a district of N campuses: the
missed-rounds check and the drill reminders (each runs every 15 minutes), and reading the
job-run history (``safetyops jobs list``).

    python bench/jobs.py                       # 200 campuses, a temporary SQLite database
    python bench/jobs.py --campuses 200 --db postgresql://postgres@127.0.0.1:5432/safetyops_bench_jobs

The database is reset and filled by ``fill`` (plans whose morning window went unwalked).
The statement counts must not grow with the number of campuses (tests/bench/test_jobs.py
checks 2 against 20 campuses).
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from counting import counting  # bench/ is on sys.path when run as a script

JOBS = ("missed-rounds", "compliance-reminders")


def fill(campuses: int, today: date, start: int = 1) -> None:
    """Campuses ``start``..``start + campuses - 1``: three checkpoints each, a door-check
    plan with a morning window, a principal, an officer and a supervisor (so a missed round
    has someone to tell); the district calendar and the default rule pack on the first
    call. No round is walked: every window of the day is missed."""
    from district_data import PASSWORD, WINDOWS, ZONE

    from safetyops.accounts.models import User, user_campus
    from safetyops.accounts.passwords import hash_password
    from safetyops.calendar.domain import school_year_of
    from safetyops.calendar.models import CalendarEntry
    from safetyops.campuses.models import Campus, Checkpoint
    from safetyops.compliance import operations as rule_packs
    from safetyops.demo.drills import calendar_rows
    from safetyops.extensions import db
    from safetyops.rounds.models import RoundPlan, RoundPlanStop, RoundPlanWindow

    if start == 1:
        year = school_year_of(today)
        for y in (year - 1, year):
            for kind, name, first, last in calendar_rows(date(y, 9, 1)):
                db.session.add(CalendarEntry(kind=kind, name=name, start_date=first, end_date=last))
        rule_packs.load_bundled("default", commit=False)
    password_hash = hash_password(PASSWORD)
    for n in range(start, start + campuses):
        campus = Campus(code=f"J{n:03d}", name=f"School {n:03d}", timezone=ZONE, address="")
        db.session.add(campus)
        db.session.flush()
        stops = []
        for i in range(1, 4):
            checkpoint = Checkpoint(
                campus_id=campus.id, name=f"Door {i}", kind="exterior_door", walk_order=i
            )
            db.session.add(checkpoint)
            db.session.flush()
            stops.append(RoundPlanStop(checkpoint_id=checkpoint.id, position=i))
        plan = RoundPlan(
            campus_id=campus.id, name="Exterior doors", kind="exterior_door_check",
            weekdays=[1, 2, 3, 4, 5],
        )  # fmt: skip
        (oh, om), (ch, cm) = WINDOWS[0]
        plan.windows = [RoundPlanWindow(start=time(oh, om), end=time(ch, cm))]
        plan.stops = stops
        db.session.add(plan)
        for role in ("officer", "principal", "supervisor"):
            user = User(
                email=f"{role}-{n}@jobs.bench", name=f"{role} {n}", role=role,
                password_hash=password_hash,
            )  # fmt: skip
            db.session.add(user)
            db.session.flush()
            db.session.execute(user_campus.insert().values(user_id=user.id, campus_id=campus.id))
            if role == "principal":
                campus.principal_id = user.id
    db.session.commit()


def moment(today: date) -> datetime:
    """Late in the school day: the morning round's window and grace are over."""
    return datetime.combine(today, time(11, 0), ZoneInfo("America/Denver")).astimezone(UTC)


def measure(job_id: str, now: datetime):
    """(counted run, summary) of one run of ``job_id`` at ``now``."""
    from safetyops.extensions import db
    from safetyops.scheduler.registry import run_job

    with counting(db.engine) as counted:
        summary = run_job(job_id, now=now)
    return counted, summary


def measure_history():
    from safetyops.extensions import db
    from safetyops.scheduler.registry import last_runs

    with counting(db.engine) as counted:
        runs = last_runs()
    return counted, runs


def school_day(today: date) -> date:
    while today.isoweekday() > 5:
        today -= timedelta(days=1)
    return today


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--db", help="database URL (reset); default: a temporary SQLite file")
    parser.add_argument("--campuses", type=int, default=200)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/jobs.db"
    from district_data import make_app, reset_schema

    app = make_app(url)
    with app.app_context():
        reset_schema(url)
        today = school_day(date.today() - timedelta(days=1))
        fill(args.campuses, today)
        print(f"{url.split(':')[0]}, {args.campuses} campuses")
        for job_id in JOBS:
            for label in ("first run", "next run"):
                counted, summary = measure(job_id, moment(today))
                print(
                    f"{job_id:22s} {label:9s} {counted.queries:4d} queries "
                    f"{counted.seconds * 1000:8.0f} ms   {summary}",
                    flush=True,
                )
        counted, runs = measure_history()
        print(
            f"last_runs: {counted.queries} queries {counted.seconds * 1000:.1f} ms "
            f"({len(runs)} jobs)"
        )


if __name__ == "__main__":
    main()
