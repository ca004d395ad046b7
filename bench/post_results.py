"""Throughput and latency of the result-posting endpoint under gunicorn with PostgreSQL.

Run ``bench/district_data.py`` first (it fills the database), then:

    python bench/post_results.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench

For 1, 8 and 32 concurrent clients (one officer tablet each, on its own keep-alive
connection and its own campus), every client posts door-check results one after another,
as a tablet does: each is ``POST /api/v1/rounds/<id>/results`` with a new UUID, and a
round is completed and a new one started every 20 results (those calls are not timed).
Prints requests per second and p50/p95/p99 latency as the clients saw it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from district_data import make_app  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent


def make_tokens(url: str, count: int) -> list[tuple[str, int]]:
    """(API token, plan id) for officers 1..count."""
    from sqlalchemy import select

    from safetyops.accounts import tokens
    from safetyops.accounts.models import User
    from safetyops.extensions import db
    from safetyops.rounds.models import Round, RoundPlan

    app = make_app(url)
    out = []
    with app.app_context():
        # Leave no round in progress from an earlier run.
        db.session.execute(
            Round.__table__.update()
            .where(Round.completed_at.is_(None))
            .values(completed_at=datetime.now(UTC))
        )
        for n in range(1, count + 1):
            user = db.session.scalar(select(User).where(User.email == f"officer{n}@bench.local"))
            plan = db.session.scalar(
                select(RoundPlan).where(RoundPlan.campus_id == user.campuses[0].id)
            )
            _token, secret = tokens.create_token(user, "bench")
            out.append((secret, plan.id))
        db.session.commit()
    return out


class Tablet:
    def __init__(self, port: int, token: str, plan_id: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.plan_id = plan_id
        self.round_id = None
        self.todo: list[int] = []

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        self.conn.request(method, path, json.dumps(body or {}), self.headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else {}

    def start_round(self) -> None:
        status, body = self.call(
            "POST", "/api/v1/rounds", {"plan_id": self.plan_id, "client_id": str(uuid.uuid4())}
        )
        assert status in (200, 201), (status, body)
        self.round_id = body["id"]
        self.todo = [c["id"] for c in body["checkpoints"]]

    def post_batch(self, size: int) -> float:
        """One request with ``size`` results (a tablet flushing its offline queue)."""
        if len(self.todo) < size:
            if self.round_id is not None:
                self.call("POST", f"/api/v1/rounds/{self.round_id}/complete", {})
            self.start_round()
        items = []
        for _ in range(size):
            items.append(
                {"id": str(uuid.uuid4()), "checkpoint_id": self.todo.pop(0), "status": "ok",
                 "recorded_at": datetime.now(UTC).isoformat()}
            )  # fmt: skip
        t0 = time.perf_counter()
        status, answer = self.call(
            "POST", f"/api/v1/rounds/{self.round_id}/results/batch", {"results": items}
        )
        elapsed = (time.perf_counter() - t0) * 1000
        assert status == 200 and all(o["status"] == 201 for o in answer["results"]), answer
        return elapsed

    def post_one(self) -> float:
        if not self.todo:
            if self.round_id is not None:
                self.call("POST", f"/api/v1/rounds/{self.round_id}/complete", {})
            self.start_round()
        checkpoint = self.todo.pop(0)
        body = {
            "id": str(uuid.uuid4()),
            "checkpoint_id": checkpoint,
            "status": "ok",
            "recorded_at": datetime.now(UTC).isoformat(),
        }
        t0 = time.perf_counter()
        status, answer = self.call("POST", f"/api/v1/rounds/{self.round_id}/results", body)
        elapsed = (time.perf_counter() - t0) * 1000
        assert status == 201, (status, answer)
        return elapsed


def run_level(
    port: int, creds: list[tuple[str, int]], clients: int, per_client: int, batch: int = 1
):
    tablets = [Tablet(port, *creds[i]) for i in range(clients)]
    for tablet in tablets:
        tablet.start_round()
        tablet.post_one()  # warm the connection and the worker
    timings: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def work(tablet: Tablet) -> None:
        mine = []
        barrier.wait()
        for _ in range(per_client):
            mine.append(tablet.post_one() if batch == 1 else tablet.post_batch(batch))
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=work, args=(t,)) for t in tablets]
    for thread in threads:
        thread.start()
    barrier.wait()
    t0, cpu0 = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t0
    client_cpu = (time.process_time() - cpu0) / len(timings) * 1000
    cuts = statistics.quantiles(timings, n=100)
    rate = f"{len(timings) / wall:7.1f} req/s" + (
        f" ({len(timings) * batch / wall:6.0f} results/s)" if batch > 1 else ""
    )
    print(
        f"{clients:3d} clients  {len(timings):5d} posts  {rate}   "
        f"p50 {statistics.median(timings):6.1f} ms   p95 {cuts[94]:6.1f} ms   "
        f"p99 {cuts[98]:6.1f} ms   (load generator CPU {client_cpu:.2f} ms/post)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--db", required=True, help="a PostgreSQL database from district_data.py")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument(
        "--posts", type=int, default=1600, help="posts per level (split among clients)"
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--batch", type=int, default=1, help="results per request (batch API)")
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]
    creds = make_tokens(args.db, max(levels))
    env = {
        **os.environ,
        "SAFETYOPS_ENV": "production",
        "SAFETYOPS_SECRET_KEY": secrets.token_urlsafe(48),
        "SAFETYOPS_DATABASE_URL": args.db,
        "SAFETYOPS_INSTANCE_PATH": "/tmp/safetyops-bench-instance",
    }
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c", str(ROOT / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{args.port}",
            "--workers", str(args.workers),
            "--threads", str(args.threads),
            "--worker-class", args.worker_class,
            "--access-logfile", "/dev/null",
            "--error-logfile", "-",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        deadline = time.time() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.3)
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads ({args.worker_class}), "
            f"{os.cpu_count()} CPUs, PostgreSQL"
        )
        for clients in levels:
            run_level(args.port, creds, clients, max(1, args.posts // clients), args.batch)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
