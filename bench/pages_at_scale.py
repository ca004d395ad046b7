"""Query count and latency of the busiest pages on district-sized data.

Run ``bench/district_data.py`` first, then:

    python bench/pages_at_scale.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench

Measures, in-process (no HTTP server, so the figures are the app and the database):
the officer's home and a round page (issue 3), and the district compliance matrix and a
campus compliance page (issue 4).
"""

from __future__ import annotations

import argparse
import statistics
import time

from district_data import PASSWORD, open_app  # bench/ is on sys.path when run as a script
from sqlalchemy import event, func, select

from safetyops.drills.models import Drill
from safetyops.extensions import db
from safetyops.rounds.models import RoundResult


def measure(client, path: str, queries: dict, requests: int) -> tuple[int, float, list[float]]:
    """(queries per request, the first request's time, the times of the next ``requests``):
    the first fills the per-process caches (templates, date formats, rule schedules), so it
    is printed on its own and kept out of the percentiles."""
    t0 = time.perf_counter()
    assert client.get(path).status_code == 200, path
    first = (time.perf_counter() - t0) * 1000
    timings, per_request = [], []
    for _ in range(requests):
        before = queries["n"]
        t0 = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - t0) * 1000)
        per_request.append(queries["n"] - before)
        assert response.status_code == 200, (path, response.status_code)
    return max(per_request), first, timings


def report(label: str, count: int, first: float, timings: list[float]) -> None:
    cuts = statistics.quantiles(timings, n=100)
    print(
        f"{label:34} queries/request {count:3d}   first {first:7.1f} ms"
        f"   p50 {statistics.median(timings):7.1f} ms"
        f"   p95 {cuts[94]:7.1f} ms   p99 {cuts[98]:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, help="a database made by bench/district_data.py")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    app = open_app(args.db)
    from safetyops.core.heap import freeze_loaded_objects

    freeze_loaded_objects()  # as each production worker does once loaded (safetyops.wsgi)
    queries = {"n": 0}
    with app.app_context():
        results = db.session.scalar(select(func.count()).select_from(RoundResult))
        drills = db.session.scalar(select(func.count()).select_from(Drill))
        print(f"data: {results:,} round results, {drills:,} drills, {db.engine.dialect.name}")
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda *a, **k: queries.__setitem__("n", queries["n"] + 1),
        )

    officer = app.test_client()
    officer.post("/login", data={"email": "officer1@bench.local", "password": PASSWORD})
    round_page = officer.post("/rounds/start", data={"plan_id": "1"}).location
    for label, path in (("officer home /", "/"), ("round page", round_page)):
        report(label, *measure(officer, path, queries, args.requests))
    officer.post("/logout")

    admin = app.test_client()
    admin.post("/login", data={"email": "admin@bench.local", "password": PASSWORD})
    for label, path in (
        ("district compliance (200 campuses)", "/compliance"),
        ("campus compliance S001", "/campuses/S001/compliance"),
        ("compliance API S001", "/api/v1/campuses/S001/compliance"),
    ):
        report(label, *measure(admin, path, queries, args.requests))


if __name__ == "__main__":
    main()
