"""How fast a campus's public drill page answers with three school years of drills.

    python bench/public_postings.py                       # a fresh SQLite file
    python bench/public_postings.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench

The database must be empty (the script migrates it). One campus, the default rule pack,
two terms a year and ``--per-year`` signed-off drills in each of the three retained school
years; the campus is public. Prints, for the HTML page, the CSV and the PDF: the queries
one request makes and the median time over ``--runs`` requests.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event

from safetyops import create_app
from safetyops.extensions import db


def _seed(per_year: int) -> None:
    from safetyops.accounts import operations as accounts
    from safetyops.calendar.domain import school_year_of
    from safetyops.calendar.operations import create_entry
    from safetyops.campuses import operations as campuses
    from safetyops.compliance.operations import load_bundled
    from safetyops.drills.models import Drill
    from safetyops.postings.operations import set_public

    campus = campuses.create_campus({"code": "PUB", "name": "Public School",
                                     "timezone": "America/Denver"})  # fmt: skip
    admin = accounts.create_user(email="admin@bench.test", name="Admin", role="safety_admin",
                                 password="bench-password-1", campuses=[])  # fmt: skip
    today = datetime.now(UTC).date()
    current = school_year_of(today)
    for year in range(current - 2, current + 1):
        create_entry({"kind": "term", "name": f"Fall {year}", "start_date": date(year, 8, 17),
                      "end_date": date(year, 12, 18)})  # fmt: skip
        create_entry({"kind": "term", "name": f"Spring {year + 1}",
                      "start_date": date(year + 1, 1, 6),
                      "end_date": date(year + 1, 5, 28)})  # fmt: skip
    load_bundled("default")
    types = ["evacuate", "lockdown", "secure", "shelter", "hold"]
    for year in range(current - 2, current + 1):
        first = date(year, 8, 20)
        last = min(date(year + 1, 5, 27), today - timedelta(days=1))
        span = max((last - first).days, 1)
        for n in range(per_year):
            day = first + timedelta(days=span * n // per_year)
            started = datetime(day.year, day.month, day.day, 16, tzinfo=UTC)
            db.session.add(
                Drill(campus_id=campus.id, client_id=str(uuid.uuid4()),
                      drill_type=types[n % len(types)], started_at=started,
                      ended_at=started + timedelta(minutes=10), local_date=day,
                      conducted_by="Bench Officer", logged_by_id=admin.id,
                      signed_off_by_id=admin.id, signed_off_at=started + timedelta(days=1))
            )  # fmt: skip
    db.session.commit()
    set_public(campus, True, admin)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="")
    parser.add_argument("--per-year", type=int, default=45)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    instance = tempfile.mkdtemp()
    url = args.db or f"sqlite:///{instance}/bench.db"
    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "bench", "DATABASE_URL": url,
                      "INSTANCE_PATH": instance})  # fmt: skip
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        _seed(args.per_year)
        count = {"n": 0}

        def counted(*_args, **_kw):
            count["n"] += 1

        event.listen(db.engine, "before_cursor_execute", counted)
        client = app.test_client()
        print(f"{args.per_year * 3} signed-off drills over 3 school years, {url.split(':')[0]}")
        for name, path, runs in (
            ("html", "/public/PUB/drills", args.runs),
            ("csv", "/public/PUB/drills.csv", args.runs),
            ("pdf", "/public/PUB/drills.pdf", max(3, args.runs // 5)),
        ):
            times = []
            for _ in range(runs):
                count["n"] = 0
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, response.status_code
            median = statistics.median(times) * 1000
            size = len(response.data)
            print(f"{name:5} {count['n']:3d} queries  first {times[0] * 1000:8.1f} ms"
                  f"  median {median:8.1f} ms  ({runs} runs, {size:,} bytes)")  # fmt: skip


if __name__ == "__main__":
    main()
