"""Throughput and latency of result posting under gunicorn, beside the bare-Flask ceiling.

Run ``bench/district_data.py`` first (it fills the database), then:

    python bench/post_results.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench

SafetyOps runs under the production gunicorn config (``gunicorn.conf.py``: gthread,
2 x CPUs + 1 workers x 4 threads) and ``bench/ceiling_app.py`` (bare Flask, one idempotent
INSERT through a psycopg pool) under the same worker settings, both at once. For each
number of clients (8 and 32 by default) the two are loaded in turn, ``--repeat`` times,
interleaved, so both see the same machine. Every client is one officer tablet on its own
keep-alive connection and campus: ``POST /api/v1/rounds/<id>/results`` with a bearer token
and a new UUID, a round completed and a new one started every 20 results (those calls are
not timed), and every ``--retry-every``-th post sent twice (the repeat must answer 200).

Prints p50/p95/p99 and requests per second for each run, the medians of both and the ratio
SafetyOps / ceiling, and checks the acknowledgements against the rows: ``lost`` counts
acknowledged results missing from the database, ``duplicated`` rows that were never
acknowledged or a checkpoint stored twice in a round.
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
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from district_data import make_app  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent


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


@dataclass
class Acks:
    """What the server acknowledged: result ids (201 or 200) and the rounds they went to."""

    ids: set[str] = field(default_factory=set)
    rounds: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, result_id: str, round_id: int) -> None:
        with self.lock:
            self.ids.add(result_id)
            self.rounds.add(round_id)


class Client:
    """One tablet: a keep-alive connection that posts results one after another."""

    def __init__(self, port: int, acks: Acks, retry_every: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.acks = acks
        self.retry_every = retry_every
        self.sent = 0
        self.used = 0.0
        self.headers = {"Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        if time.monotonic() - self.used > 1.0:
            # gunicorn closes a keep-alive connection idle for 2 s (its default): reconnect
            # first rather than find out by a broken pipe halfway through a request.
            self.conn.close()
        self.conn.request(method, path, json.dumps(body or {}), self.headers)
        response = self.conn.getresponse()
        data = response.read()
        self.used = time.monotonic()
        return response.status, json.loads(data) if data else {}

    def next_body(self) -> tuple[str, dict]:
        raise NotImplementedError

    def post_one(self) -> list[float]:
        """Post one result (twice when it is a retry's turn); the timings of each call."""
        path, body = self.next_body()
        self.sent += 1
        timings = []
        repeats = 2 if self.retry_every and self.sent % self.retry_every == 0 else 1
        for attempt in range(repeats):
            t0 = time.perf_counter()
            status, answer = self.call("POST", path, body)
            timings.append((time.perf_counter() - t0) * 1000)
            expected = 201 if attempt == 0 else 200
            assert status == expected, (status, answer)
        self.acks.add(body["id"], body.get("round_id") or self.round_of(path))
        return timings

    def round_of(self, path: str) -> int:
        return int(path.split("/")[4])


class Tablet(Client):
    """SafetyOps: bearer token, a round started (untimed) every 20 results."""

    def __init__(self, port: int, acks: Acks, retry_every: int, token: str, plan_id: int):
        super().__init__(port, acks, retry_every)
        self.headers["Authorization"] = f"Bearer {token}"
        self.plan_id = plan_id
        self.round_id: int | None = None
        self.todo: list[int] = []

    def start_round(self) -> None:
        if self.round_id is not None:
            status, _ = self.call("POST", f"/api/v1/rounds/{self.round_id}/complete", {})
            assert status == 200, status
        status, body = self.call(
            "POST", "/api/v1/rounds", {"plan_id": self.plan_id, "id": str(uuid.uuid4())}
        )
        assert status in (200, 201), (status, body)
        self.round_id = body["id"]
        self.todo = [c["id"] for c in body["checkpoints"]]

    def next_body(self) -> tuple[str, dict]:
        if not self.todo:
            self.start_round()
        body = {
            "id": str(uuid.uuid4()),
            "checkpoint_id": self.todo.pop(0),
            "status": "ok",
            "recorded_at": datetime.now(UTC).isoformat(),
        }
        return f"/api/v1/rounds/{self.round_id}/results", body


class CeilingClient(Client):
    """The ceiling app: the same body plus a round id, no token."""

    def __init__(self, port: int, acks: Acks, retry_every: int, number: int):
        super().__init__(port, acks, retry_every)
        self.round_id = number
        self.checkpoint = 0

    def next_body(self) -> tuple[str, dict]:
        self.checkpoint += 1
        body = {
            "id": str(uuid.uuid4()),
            "round_id": self.round_id,
            "checkpoint_id": self.checkpoint,
            "status": "ok",
            "recorded_at": datetime.now(UTC).isoformat(),
        }
        return "/results", body


@dataclass
class Run:
    app: str
    clients: int
    requests: int
    rate: float
    p50: float
    p95: float
    p99: float
    lost: int = 0
    duplicated: int = 0

    def line(self) -> str:
        return (
            f"{self.app:9s} {self.clients:3d} clients  {self.requests:5d} requests  "
            f"{self.rate:7.1f} req/s   p50 {self.p50:6.1f} ms   p95 {self.p95:6.1f} ms   "
            f"p99 {self.p99:6.1f} ms   lost {self.lost}  duplicated {self.duplicated}"
        )


def load(clients: list[Client], per_client: int, warm: int = 1) -> tuple[int, float, list[float]]:
    """Every client posts ``per_client`` results at once; (requests, seconds, timings)."""
    for client in clients:
        for _ in range(warm):
            client.post_one()  # warm the connection and the worker
    timings: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)
    failures: list[BaseException] = []

    def work(client: Client) -> None:
        mine: list[float] = []
        barrier.wait()
        try:
            for _ in range(per_client):
                mine.extend(client.post_one())
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    t0 = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t0
    if failures:
        raise failures[0]
    return len(timings), wall, timings


def summarise(app: str, clients: int, requests: int, wall: float, timings: list[float]) -> Run:
    cuts = statistics.quantiles(timings, n=100)
    return Run(app, clients, requests, requests / wall, statistics.median(timings), cuts[94],
               cuts[98])  # fmt: skip


def check_rows(url: str, table: str, acks: Acks) -> tuple[int, int]:
    """(lost, duplicated): acknowledged ids missing; rows never acknowledged or repeated."""
    from sqlalchemy import create_engine, text

    from safetyops import _normalise_db_url

    engine = create_engine(_normalise_db_url(url) or url)
    ids, rounds = sorted(acks.ids), sorted(acks.rounds)
    found: set[str] = set()
    stored: list[tuple[str, int, int]] = []
    with engine.connect() as conn:
        for start in range(0, len(rounds), 500):
            chunk = rounds[start : start + 500]
            marks = ", ".join(f":r{i}" for i in range(len(chunk)))
            stored += conn.execute(
                text(
                    f"SELECT id, round_id, checkpoint_id FROM {table} WHERE round_id IN ({marks})"
                ),
                {f"r{i}": r for i, r in enumerate(chunk)},
            ).all()
    engine.dispose()
    found = {row[0] for row in stored}
    lost = len([i for i in ids if i not in found])
    pairs = [(row[1], row[2]) for row in stored]
    repeated = len(pairs) - len(set(pairs))
    unacked = len(found - acks.ids)
    return lost, repeated + unacked


def wait_for(port: int, server: subprocess.Popen, path: str = "/healthz") -> None:
    deadline = time.time() + 90
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status in (200, 405):
                return
        except OSError:
            pass
        if time.time() > deadline or server.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} did not start")
        time.sleep(0.3)


def gunicorn_settings() -> tuple[int, int]:
    """Workers and threads as gunicorn.conf.py computes them (environment included)."""
    import multiprocessing

    workers = int(os.environ.get("SAFETYOPS_WORKERS", multiprocessing.cpu_count() * 2 + 1))
    return workers, int(os.environ.get("SAFETYOPS_THREADS", 4))


def start_servers(
    url: str, port: int, ceiling_port: int, workers: int, threads: int
) -> tuple[subprocess.Popen, subprocess.Popen]:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    common = ["--workers", str(workers), "--threads", str(threads),
              "--access-logfile", "/dev/null", "--error-logfile", "-"]  # fmt: skip
    env = {
        **os.environ,
        "SAFETYOPS_ENV": "production",
        "SAFETYOPS_SECRET_KEY": secrets.token_urlsafe(48),
        "SAFETYOPS_DATABASE_URL": url,
        "SAFETYOPS_INSTANCE_PATH": tempfile.mkdtemp(prefix="safetyops-bench-"),
        "SAFETYOPS_THREADS": str(threads),
        "SAFETYOPS_LOG_LEVEL": "WARNING",
        # Production refuses memory:// with several workers: the shared store, as deployed.
        "SAFETYOPS_RATELIMIT_STORAGE_URL": os.environ.get(
            "SAFETYOPS_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/12"
        ),
    }
    # The production config file: its worker class, its check-deploy at start.
    safetyops = subprocess.Popen(  # noqa: S603 - fixed arguments
        [gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}", *common],
        cwd=ROOT, env=env,
    )  # fmt: skip
    ceiling = subprocess.Popen(  # noqa: S603 - fixed arguments
        [gunicorn, "--worker-class", "gthread", "--bind", f"127.0.0.1:{ceiling_port}",
         "--chdir", str(BENCH), *common, "ceiling_app:app"],
        cwd=BENCH, env={**env, "CEILING_DATABASE_URL": url},
    )  # fmt: skip
    return safetyops, ceiling


def bench(url: str, levels: list[int], posts: int, repeat: int, retry_every: int,
          port: int, workers: int, threads: int,
          ceiling_port: int | None = None) -> list[Run]:  # fmt: skip
    """Every run of both apps; prints each line and the medians with the ratio.

    The ceiling listens on ceiling_port, by default the port after SafetyOps's."""
    import ceiling_app

    ceiling_app.create_table(url)
    creds = make_tokens(url, max(levels))
    ceiling_port = ceiling_port or port + 1
    safetyops, ceiling = start_servers(url, port, ceiling_port, workers, threads)
    runs: list[Run] = []
    try:
        wait_for(port, safetyops)
        wait_for(ceiling_port, ceiling, "/results")
        print(
            f"gunicorn: {workers} workers x {threads} threads (gthread) for both apps, "
            f"{os.cpu_count()} CPUs, {url.split(':')[0]}, every {retry_every}th post retried",
            flush=True,
        )
        for clients in levels:
            per_client = max(2, posts // clients)
            for _ in range(repeat):
                acks = Acks()
                tablets: list[Client] = [
                    Tablet(port, acks, retry_every, *creds[i]) for i in range(clients)
                ]
                run = summarise("safetyops", clients, *load(tablets, per_client))
                run.lost, run.duplicated = check_rows(url, "round_result", acks)
                print(run.line(), flush=True)
                runs.append(run)
                acks = Acks()
                bare: list[Client] = [
                    CeilingClient(ceiling_port, acks, retry_every, 1_000_000 * len(runs) + i)
                    for i in range(clients)
                ]
                run = summarise("ceiling", clients, *load(bare, per_client))
                run.lost, run.duplicated = check_rows(url, ceiling_app.TABLE, acks)
                print(run.line(), flush=True)
                runs.append(run)
            mine = [r for r in runs if r.clients == clients and r.app == "safetyops"]
            top = [r for r in runs if r.clients == clients and r.app == "ceiling"]
            rate = statistics.median(r.rate for r in mine)
            top_rate = statistics.median(r.rate for r in top)
            print(
                f"median of {repeat}: {clients} clients  SafetyOps {rate:.0f} req/s, "
                f"p50 {statistics.median(r.p50 for r in mine):.1f} ms, "
                f"p95 {statistics.median(r.p95 for r in mine):.1f} ms  |  ceiling "
                f"{top_rate:.0f} req/s, p95 {statistics.median(r.p95 for r in top):.1f} ms  |  "
                f"ratio {rate / top_rate:.0%}  |  lost {sum(r.lost for r in runs)}, "
                f"duplicated {sum(r.duplicated for r in runs)}",
                flush=True,
            )
    finally:
        for server in (safetyops, ceiling):
            server.terminate()
        for server in (safetyops, ceiling):
            server.wait(timeout=30)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--db", required=True, help="a database filled by district_data.py")
    parser.add_argument("--clients", default="8,32")
    parser.add_argument("--posts", type=int, default=3000, help="posts per run (all clients)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each app per level")
    parser.add_argument("--retry-every", type=int, default=10, help="0: no retries")
    parser.add_argument("--port", type=int, default=8765, help="SafetyOps; the ceiling: +1")
    default_workers, default_threads = gunicorn_settings()
    parser.add_argument("--workers", type=int, default=default_workers)
    parser.add_argument("--threads", type=int, default=default_threads)
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]
    bench(args.db, levels, args.posts, args.repeat, args.retry_every, args.port, args.workers,
          args.threads)  # fmt: skip


if __name__ == "__main__":
    main()
