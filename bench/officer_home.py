"""Query count and latency of the officer's home and round pages on the demo district."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from safetyops import create_app
from safetyops.extensions import db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (empty database); default: temporary SQLite")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": url,
            "INSTANCE_PATH": tmp,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        from safetyops.demo.district import load_demo

        upgrade()
        counts = load_demo()
        print(f"data: {counts}")
        queries = {"n": 0}
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda *a, **k: queries.__setitem__("n", queries["n"] + 1),
        )
    client = app.test_client()
    client.post("/login", data={"email": "officer@demo.local", "password": "safetyops-demo"})
    start = client.post("/rounds/start", data={"plan_id": "1"})
    pages = {"officer home /": "/", "round page": start.location}
    for label, path in pages.items():
        timings, per_request = [], []
        for _ in range(args.requests):
            before = queries["n"]
            t0 = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - t0) * 1000)
            per_request.append(queries["n"] - before)
            assert response.status_code == 200, response.status_code
        p95 = statistics.quantiles(timings, n=20)[18]
        print(
            f"{label:16} queries/request {max(per_request):3d}  "
            f"p50 {statistics.median(timings):6.1f} ms  p95 {p95:6.1f} ms"
        )


if __name__ == "__main__":
    main()
