"""Time and query count to build the district weekly report, and the peak memory of a
full-year CSV export, on data from ``bench/district_data.py``.

    python bench/weekly_report.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench
    python bench/weekly_report.py --db sqlite:////tmp/safetyops-bench.db

The export runs in a child process so its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta

from district_data import PASSWORD, open_app  # bench/ is on sys.path when run as a script
from sqlalchemy import delete, event


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec, unlike
    ru_maxrss, which a child inherits from the parent it was forked from."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_peak(url: str, kind: str, days: int) -> None:
    """Child process: stream one export to /dev/null, print rows, seconds, peak RSS."""
    app = open_app(url)
    client = app.test_client()
    client.post("/login", data={"email": "admin@bench.local", "password": PASSWORD})
    from datetime import date

    end = date.today()
    start = end - timedelta(days=days)
    t0 = time.perf_counter()
    response = client.get(f"/exports/{kind}.csv?from={start}&to={end}", buffered=False)
    lines = size = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
    seconds = time.perf_counter() - t0
    peak_mb = _peak_rss_mb()
    print(f"{kind}.csv, {days} days: {lines - 1:,} rows, {size / 1e6:.0f} MB in {seconds:.1f} s, "
          f"peak memory {peak_mb:.0f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--export-child", help=argparse.SUPPRESS)
    parser.add_argument("--campus", default="S001", help="the campus of the campus PDFs")
    parser.add_argument("--no-exports", action="store_true", help="skip the CSV exports")
    args = parser.parse_args()
    if args.export_child:
        export_peak(args.db, args.export_child, 365)
        return
    app = open_app(args.db)
    from safetyops.core.heap import freeze_loaded_objects

    freeze_loaded_objects()  # as each production worker does once loaded (safetyops.wsgi)
    queries = {"n": 0}
    with app.app_context():
        from safetyops.extensions import db

        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda *a, **k: queries.__setitem__("n", queries["n"] + 1),
        )
    client = app.test_client()
    client.post("/login", data={"email": "admin@bench.local", "password": PASSWORD})
    from safetyops.reports.queries import default_week

    week = default_week(__import__("datetime").date.today())
    timings, counts = [], []
    for i in range(args.requests + 1):
        before = queries["n"]
        t0 = time.perf_counter()
        response = client.get(f"/reports/weekly?week={week}&live=1")
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, response.status_code
        if i:  # the first request warms caches
            timings.append(elapsed * 1000)
            counts.append(queries["n"] - before)
    print(
        f"district report {week} (all campuses, live): {max(counts)} queries, "
        f"median {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms"
    )
    pdfs(app, client, week, args.campus)
    if args.no_exports:
        return
    for kind in ("results", "rounds"):
        subprocess.run(  # noqa: S603 - this script, fixed arguments
            [sys.executable, __file__, "--db", args.db, "--export-child", kind], check=True
        )


def _timed(client, url: str) -> tuple[float, object]:
    t0 = time.perf_counter()
    response = client.get(url)
    return (time.perf_counter() - t0) * 1000, response


def pdfs(app, client, week: str, campus: str) -> None:
    """The PDFs (issue 16): a live campus PDF inside the request; the whole district's
    live PDF queued and made in the background; the Monday snapshot's stored district PDF
    (rendered once) opened as a file send; a snapshot campus PDF, first and again."""
    from safetyops.reports import files
    from safetyops.reports import queries as reports
    from safetyops.reports.models import ReportFile

    with app.app_context():
        # Each run starts with no stored PDF of the week: the files of an earlier run are in
        # its own temporary instance folder, gone now (the app would answer 503 and make
        # them again), and the first rendering is what this measures.
        from safetyops.extensions import db

        db.session.execute(delete(ReportFile).where(ReportFile.week == week))
        db.session.commit()
    ms, response = _timed(client, f"/reports/weekly?week={week}&live=1&campus={campus}&format=pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF"), response.status
    print(f"live PDF, one campus ({campus}): {ms / 1000:.2f} s inside the request")
    ms, response = _timed(client, f"/reports/weekly?week={week}&live=1&format=pdf")
    assert response.status_code in (200, 303), response.status_code
    if response.status_code == 200:
        print(f"live PDF, whole district: {ms / 1000:.2f} s inside the request (a few campuses)")
    else:
        print(f"live PDF, whole district: queued in {ms:.0f} ms (303 to its progress page)")
    with app.app_context():
        t0 = time.perf_counter()
        made = files.run()
        print(f"  made in the background in {time.perf_counter() - t0:.1f} s: {made}")
        t0 = time.perf_counter()
        snapshot, _created = reports.store_snapshot(week)
        stored = files.store_snapshot_pdf(week)
        print(
            f"Monday job: snapshot and its district PDF rendered once and stored in "
            f"{time.perf_counter() - t0:.1f} s ({stored.size / 1e6 if stored else 0:.1f} MB)"
        )
    opens = []
    for _ in range(5):
        ms, response = _timed(client, f"/reports/weekly?week={week}&format=pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        opens.append(ms)
    print(f"stored district PDF opened: median {statistics.median(opens):.0f} ms (file send)")
    first, _ = _timed(client, f"/reports/weekly?week={week}&campus={campus}&format=pdf")
    again, _ = _timed(client, f"/reports/weekly?week={week}&campus={campus}&format=pdf")
    print(f"snapshot campus PDF: first {first / 1000:.2f} s (rendered, kept), again {again:.0f} ms")


if __name__ == "__main__":
    main()
