"""Certification reminders and pages at district scale: CAMPUSES campuses with OFFICERS
officers each (a supervisor per campus), five certificates per officer spread over the
year, on an empty database (default: temporary SQLite).

    python bench/certifications.py
    python bench/certifications.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench

Prints the data made; the seconds of the certification-reminders job on a busy day (first
run: notices stored; second run: nothing new) and its notification count; the queries and
time of the safety department's certification list, the home page and a campus page; and
the weekly report's certification section for every campus.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event, insert, select

from safetyops import create_app
from safetyops.extensions import db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (empty database); default: temporary SQLite")
    parser.add_argument("--campuses", type=int, default=200)
    parser.add_argument("--officers", type=int, default=5, help="officers per campus")
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url, "INSTANCE_PATH": tmp,
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})  # fmt: skip
    today = date(2026, 11, 16)
    with app.app_context():
        from flask_migrate import upgrade

        from safetyops.accounts.models import User, user_campus
        from safetyops.accounts.passwords import hash_password
        from safetyops.campuses.models import Campus
        from safetyops.certifications import operations, queries
        from safetyops.certifications.models import Certification, CertificationKind
        from safetyops.scheduler.registry import run_job

        upgrade()
        operations.ensure_default_kinds()
        rng = random.Random(14)
        password = hash_password("bench-password-1")
        kinds = list(db.session.scalars(select(CertificationKind.id)))
        db.session.execute(insert(Campus), [
            {"code": f"C{n:03d}", "name": f"Campus {n:03d}", "timezone": "America/Denver"}
            for n in range(args.campuses)
        ])  # fmt: skip
        campus_ids = list(db.session.scalars(select(Campus.id).order_by(Campus.id)))
        people = [{"email": "admin@bench.test", "name": "Admin", "role": "safety_admin",
                   "password_hash": password}]  # fmt: skip
        for n, _campus in enumerate(campus_ids):
            people.append({"email": f"sup{n}@bench.test", "name": f"Supervisor {n}",
                           "role": "supervisor", "password_hash": password})  # fmt: skip
            for k in range(args.officers):
                people.append({"email": f"off{n}-{k}@bench.test", "name": f"Officer {n}-{k}",
                               "role": "officer", "password_hash": password})  # fmt: skip
        db.session.execute(insert(User), people)
        users = {u.email: u.id for u in db.session.scalars(select(User))}
        links, certs = [], []
        for n, campus_id in enumerate(campus_ids):
            links.append({"user_id": users[f"sup{n}@bench.test"], "campus_id": campus_id})
            for k in range(args.officers):
                officer = users[f"off{n}-{k}@bench.test"]
                links.append({"user_id": officer, "campus_id": campus_id})
                for kind in kinds:
                    expires = today + timedelta(days=rng.randint(-30, 700))
                    certs.append({"officer_id": officer, "kind_id": kind, "number": "B",
                                  "issued_on": expires - timedelta(days=730),
                                  "expires_on": expires, "scan_type": "",
                                  "withdrawn_reason": ""})  # fmt: skip
        db.session.execute(insert(user_campus), links)
        db.session.execute(insert(Certification), certs)
        db.session.commit()
        print(
            f"data: {len(campus_ids)} campuses, {len(people) - 1} staff, {len(certs)} certificates"
        )

        for label in ("first run", "second run"):
            started = time.perf_counter()
            summary = run_job("certification-reminders", as_of=today)
            seconds = time.perf_counter() - started
            print(f"certification-reminders {label}: {seconds:6.2f} s, {summary['notices']} "
                  f"notices, {summary['notifications']} notifications new")  # fmt: skip

        started = time.perf_counter()
        sections = queries.report_sections(list(db.session.scalars(select(Campus))), today)
        flagged = sum(len(s["expired"]) + len(s["expiring"]) for s in sections.values())
        print(f"weekly report section, all campuses: {time.perf_counter() - started:6.2f} s "
              f"({flagged} flagged entries)")  # fmt: skip
        count = {"n": 0}
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a, **k: count.__setitem__("n", count["n"] + 1))  # fmt: skip
        db.session.remove()

    for email, pages in (
        ("admin@bench.test", {"certifications (district)": "/certifications/", "home": "/"}),
        (
            "sup0@bench.test",
            {
                "certifications (1 campus)": "/certifications/",
                "home": "/",
                "campus page": "/campuses/C000",
            },
        ),  # fmt: skip
    ):
        client = app.test_client()
        client.post("/login", data={"email": email, "password": "bench-password-1"})
        for label, path in pages.items():
            timings, per_request = [], []
            for _ in range(args.requests):
                before = count["n"]
                t0 = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - t0) * 1000)
                per_request.append(count["n"] - before)
                assert response.status_code == 200, (path, response.status_code)
            print(f"{email.split('@')[0]:5} {label:28} queries/request {max(per_request):3d}  "
                  f"p50 {statistics.median(timings):7.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
