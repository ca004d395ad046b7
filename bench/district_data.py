"""Generate a district-sized database: 200 campuses x 20 checkpoints, two door-check rounds
every school day for a school year (about 1.4 million results), findings, calendars, the
default rule pack and a school year of drills.

    python bench/district_data.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench

The database is reset (all tables dropped and migrated again). Officers are
``officer<N>@bench.local``, principals ``principal<N>@bench.local``, the safety admin
``admin@bench.local``; every password is ``bench-password-not-for-production``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, text

from safetyops import create_app
from safetyops.accounts.models import User, user_campus
from safetyops.accounts.passwords import hash_password
from safetyops.calendar.domain import school_year_of
from safetyops.calendar.models import CalendarEntry
from safetyops.calendar.operations import calendars_for
from safetyops.campuses.models import Campus, Checkpoint
from safetyops.compliance import operations as rule_packs
from safetyops.demo.drills import calendar_rows
from safetyops.drills.models import Drill
from safetyops.extensions import db
from safetyops.findings.models import Finding
from safetyops.rounds.models import Round, RoundPlan, RoundPlanStop, RoundPlanWindow

PASSWORD = "bench-password-not-for-production"
ZONE = "America/Denver"
WINDOWS = (((6, 45), (7, 30)), ((15, 45), (16, 30)))


def make_app(url: str):
    return create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": url,
            "INSTANCE_PATH": tempfile.mkdtemp(),
            "WTF_CSRF_ENABLED": False,
        }
    )


def open_app(url: str):
    """The app on an existing bench database, migrated to the current schema."""
    from flask_migrate import upgrade

    app = make_app(url)
    with app.app_context():
        upgrade()
    return app


def reset_schema(url: str) -> None:
    from flask_migrate import upgrade

    with db.engine.begin() as conn:
        if url.startswith("postgresql"):
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


def _copy_or_insert(table, columns: list[str], rows: list[tuple]) -> None:
    """COPY on PostgreSQL (fast), executemany elsewhere."""
    if db.engine.dialect.name == "postgresql":
        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cursor:
            quoted = ", ".join(f'"{c}"' for c in columns)
            with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        return

    # SQLite: plain executemany through the driver, values in SQLAlchemy's storage format.
    def plain(value):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value

    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    raw = db.session.connection().connection.driver_connection
    raw.executemany(
        f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})',
        ([plain(v) for v in row] for row in rows),
    )


def generate(campus_count: int, checkpoints: int, today: date, history_days: int = 365) -> dict:
    rng = random.Random(7)
    password_hash = hash_password(PASSWORD)
    counts: dict[str, int] = {}

    campus_rows = [
        {"code": f"S{n:03d}", "name": f"School {n:03d}", "timezone": ZONE, "address": ""}
        for n in range(1, campus_count + 1)
    ]
    db.session.execute(insert(Campus), campus_rows)
    campuses = list(db.session.scalars(select(Campus).order_by(Campus.id)))
    db.session.execute(
        insert(Checkpoint),
        [
            {"campus_id": c.id, "name": f"Door {i}", "kind": "exterior_door", "walk_order": i * 10}
            for c in campuses
            for i in range(1, checkpoints + 1)
        ],
    )
    users = [{"email": "admin@bench.local", "name": "Bench Admin", "role": "safety_admin"}]
    for n, _c in enumerate(campuses, start=1):
        users.append(
            {"email": f"officer{n}@bench.local", "name": f"Officer {n}", "role": "officer"}
        )
        users.append(
            {"email": f"principal{n}@bench.local", "name": f"Principal {n}", "role": "principal"}
        )
    db.session.execute(
        insert(User),
        [{**u, "password_hash": password_hash} for u in users],
    )
    by_email = {u.email: u for u in db.session.scalars(select(User))}
    links = []
    for n, campus in enumerate(campuses, start=1):
        officer, principal = (
            by_email[f"officer{n}@bench.local"],
            by_email[f"principal{n}@bench.local"],
        )
        links += [(officer.id, campus.id), (principal.id, campus.id)]
        campus.principal_id = principal.id
    db.session.execute(insert(user_campus), [{"user_id": u, "campus_id": c} for u, c in links])
    counts.update(campuses=len(campuses), checkpoints=len(campuses) * checkpoints, users=len(users))

    # Calendars: last school year and this one, district-wide.
    year = school_year_of(today)
    for y in (year - 1, year):
        for kind, name, start, end in calendar_rows(date(y, 9, 1)):
            db.session.add(CalendarEntry(kind=kind, name=name, start_date=start, end_date=end))
    db.session.flush()
    rule_packs.load_bundled("default", commit=False)

    # Plans: one door check with two windows per campus.
    cp_ids: dict[int, list[int]] = {}
    for cp_id, campus_id in db.session.execute(
        select(Checkpoint.id, Checkpoint.campus_id).order_by(Checkpoint.walk_order)
    ):
        cp_ids.setdefault(campus_id, []).append(cp_id)
    plans = {}
    for campus in campuses:
        plan = RoundPlan(
            campus_id=campus.id,
            name="Exterior doors",
            kind="exterior_door_check",
            weekdays=[1, 2, 3, 4, 5],
        )
        plan.windows = [RoundPlanWindow(start=clock(*o), end=clock(*c)) for o, c in WINDOWS]
        plan.stops = [
            RoundPlanStop(checkpoint_id=i, position=p) for p, i in enumerate(cp_ids[campus.id])
        ]
        db.session.add(plan)
        plans[campus.id] = plan
    db.session.flush()

    # Rounds and results on every school day of the past year.
    calendars = calendars_for(campuses)
    calendar = calendars[campuses[0].id]
    zone = ZoneInfo(ZONE)
    days = [today - timedelta(days=n) for n in range(history_days, 0, -1)]
    school_days = [d for d in days if calendar.is_school_day(d)]
    next_round_id = (db.session.scalar(select(db.func.max(Round.id))) or 0) + 1
    round_rows, result_rows, finding_rows = [], [], []
    officer_of = {c.id: by_email[f"officer{n}@bench.local"].id for n, c in enumerate(campuses, 1)}
    for campus in campuses:
        ids = cp_ids[campus.id]
        for day in school_days:
            for (oh, om), _close in WINDOWS:
                started = datetime(day.year, day.month, day.day, oh, om, tzinfo=zone).astimezone(
                    UTC
                )
                started += timedelta(minutes=rng.randint(0, 10))
                round_id = next_round_id
                next_round_id += 1
                moment = started
                for cp in ids:
                    moment += timedelta(seconds=rng.randint(40, 90))
                    result_id = str(uuid.uuid4())
                    problem = rng.random() < 0.01
                    result_rows.append(
                        (result_id, round_id, cp, "problem" if problem else "ok",
                         "unlocked" if problem else None, "", "secured" if problem else None,
                         moment.replace(tzinfo=None), moment.replace(tzinfo=None))
                    )  # fmt: skip
                    if problem:
                        finding_rows.append(
                            (result_id, campus.id, cp, "unlocked", "resolved",
                             moment.replace(tzinfo=None), moment.replace(tzinfo=None),
                             "secured on the spot")
                        )  # fmt: skip
                round_rows.append(
                    (round_id, campus.id, plans[campus.id].id, officer_of[campus.id],
                     started.replace(tzinfo=None), moment.replace(tzinfo=None), "",
                     "[" + ", ".join(map(str, ids)) + "]")
                )  # fmt: skip
    t0 = time.perf_counter()
    _copy_or_insert(
        Round.__table__,
        ["id", "campus_id", "plan_id", "officer_id", "started_at", "completed_at",
         "incomplete_reason", "checkpoint_ids"],
        round_rows,
    )  # fmt: skip
    _copy_or_insert(
        db.metadata.tables["round_result"],
        ["id", "round_id", "checkpoint_id", "status", "finding_kind", "note", "action_taken",
         "recorded_at", "received_at"],
        result_rows,
    )  # fmt: skip
    _copy_or_insert(
        Finding.__table__,
        ["result_id", "campus_id", "checkpoint_id", "kind", "status", "opened_at", "resolved_at",
         "resolution"],
        finding_rows,
    )  # fmt: skip
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval('round_id_seq', (SELECT max(id) FROM round))"))
    counts.update(
        rounds=len(round_rows),
        results=len(result_rows),
        findings=len(finding_rows),
        load_seconds=round(time.perf_counter() - t0, 1),
    )

    # A school year of drills: the default pack's shape, a few late or missing.
    drills = []
    for campus in campuses:
        for term in calendar.terms_in_school_year(year):
            if term.start > today:
                continue
            for kind in ("lockdown", "secure", "shelter"):
                if rng.random() < 0.1:
                    continue  # missing: overdue
                offset = rng.randint(2, 25) if rng.random() < 0.9 else rng.randint(31, 45)
                drills.append(
                    (campus, kind, calendar.next_school_day(term.start + timedelta(offset)))
                )
        first = school_days[0] if school_days else today
        month = date(first.year, first.month, 1)
        while month <= today:
            day = calendar.next_school_day(month + timedelta(rng.randint(0, 12)))
            if day and day <= today and day.month == month.month and rng.random() < 0.95:
                drills.append((campus, "evacuate", day))
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    db.session.execute(
        insert(Drill),
        [
            {
                "campus_id": campus.id,
                "client_id": str(uuid.uuid4()),
                "drill_type": kind,
                "started_at": datetime(day.year, day.month, day.day, 10, tzinfo=zone),
                "ended_at": datetime(day.year, day.month, day.day, 10, 12, tzinfo=zone),
                "local_date": day,
                "conducted_by": "Bench",
            }
            for campus, kind, day in drills
            if day is not None and day <= today
        ],
    )
    counts["drills"] = len(drills)
    db.session.commit()
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--db", required=True, help="database URL; its tables are dropped")
    parser.add_argument("--campuses", type=int, default=200)
    parser.add_argument("--checkpoints", type=int, default=20)
    parser.add_argument("--days", type=int, default=365, help="days of round history")
    args = parser.parse_args()
    app = make_app(args.db)
    with app.app_context():
        t0 = time.perf_counter()
        reset_schema(args.db)
        counts = generate(
            args.campuses, args.checkpoints, datetime.now(ZoneInfo(ZONE)).date(), args.days
        )
        print(f"generated in {time.perf_counter() - t0:.0f} s: {counts}")


if __name__ == "__main__":
    main()
