"""Real parts for fault and scale-out runs: a throwaway PostgreSQL cluster (its own data
directory and port), gunicorn in production mode, schedulers, and tablets that post
checkpoint results with retries the way the offline outbox does.

Used by the bounded tests in tests/faults/ and by the full runs in bench/faults.py. Nothing
here is mocked: the database really stops, workers really die.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "fault-run passphrase"  # noqa: S105 - throwaway accounts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port} after {timeout}s")


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"PostgreSQL's {name} is not installed")
    return path


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own: initdb into a temporary directory, a free port.
    fsync stays on, so an immediate stop (a crash) loses nothing that was committed."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="safetyops-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root; run the cluster as the postgres user
            shutil.chown(self.dir, "postgres", "postgres")
            self._as_postgres = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - PostgreSQL's own tools, fixed arguments
            [*self._as_postgres, *args], check=True, capture_output=True, text=True
        )

    def start(self) -> ThrowawayPostgres:
        if not self.data.exists():
            self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres",
                      "--auth=trust", "-E", "UTF8")  # fmt: skip
        self._pg_ctl("start", "-w", "-l", str(self.dir / "log"), "-o",
                     f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1")  # fmt: skip
        return self

    def _pg_ctl(self, *args: str) -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), *args)

    def crash(self) -> None:
        """Stop at once, as a crash or a failover would: connections are cut mid-query."""
        self._pg_ctl("stop", "-m", "immediate", "-w")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg_ctl("stop", "-m", "fast", "-w")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class District:
    """What the tablets need: one officer per tablet with an API token, and a plan."""

    tokens: list[str]
    plan_ids: list[int]


def prepare_database(
    url: str, tablets: int, checkpoints: int = 40, reminders: bool = False
) -> District:
    """Migrate ``url`` and give each tablet an officer, a campus and a round plan. With
    ``reminders``, each campus also gets a principal, this school year's calendar and the
    default rule pack, so the scheduler has drill reminders to send."""
    from flask_migrate import upgrade

    from safetyops import create_app
    from safetyops.accounts import operations as accounts
    from safetyops.accounts import tokens
    from safetyops.campuses import operations as campuses
    from safetyops.extensions import db
    from safetyops.rounds.models import RoundPlan, RoundPlanStop

    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "prepare", "DATABASE_URL": url})
    out = District([], [])
    with app.app_context():
        upgrade()
        for n in range(tablets):
            campus = campuses.create_campus(
                {"code": f"F{n:02d}", "name": f"Fault campus {n}", "timezone": "UTC"}
            )
            stops = [
                campuses.create_checkpoint(
                    campus, {"name": f"Door {i}", "kind": "exterior_door", "walk_order": i}
                )
                for i in range(checkpoints)
            ]
            officer = accounts.create_user(
                email=f"officer{n}@faults.test", name=f"Officer {n}", role="officer",
                password=PASSWORD, campuses=[campus],
            )  # fmt: skip
            plan = RoundPlan(campus_id=campus.id, name="Doors", kind="exterior_door_check",
                             weekdays=[1, 2, 3, 4, 5, 6, 7])  # fmt: skip
            plan.stops = [
                RoundPlanStop(checkpoint_id=c.id, position=p) for p, c in enumerate(stops)
            ]
            db.session.add(plan)
            db.session.commit()
            _token, secret = tokens.create_token(officer, "fault run")
            out.tokens.append(secret)
            out.plan_ids.append(plan.id)
            if reminders:
                accounts.create_user(
                    email=f"principal{n}@faults.test", name=f"Principal {n}", role="principal",
                    password=PASSWORD, campuses=[campus],
                )  # fmt: skip
        db.session.commit()
        if reminders:  # Monday's report (the scheduler's catch-up run makes last week's)
            accounts.create_user(email="safety@faults.test", name="Safety", role="safety_admin",
                                 password=PASSWORD)  # fmt: skip
            from safetyops.calendar import operations as calendar
            from safetyops.compliance import operations as rule_packs

            year = datetime.now(UTC).year - (datetime.now(UTC).month < 8)
            terms = "campus_code,kind,name,start_date,end_date\n"
            terms += f",term,Fall {year},{year}-08-01,{year}-12-31\n"
            terms += f",term,Spring {year + 1},{year + 1}-01-01,{year + 1}-06-30\n"
            assert calendar.import_calendar(terms).ok
            pack = ROOT / "safetyops" / "compliance" / "rulepacks" / "default.toml"
            rule_packs.load_pack(pack.read_text())
        db.engine.dispose()
    return out


def stored_results(url: str) -> Counter:
    """Client UUID -> rows stored with it (each must be exactly 1)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id FROM round_result")).scalars()
        counts = Counter(str(r) for r in rows)
    engine.dispose()
    return counts


def production_env(url: str, redis_db: int = 9, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "SAFETYOPS_ENV": "production",
        "SAFETYOPS_SECRET_KEY": secrets.token_urlsafe(48),
        "SAFETYOPS_DATABASE_URL": url,
        "SAFETYOPS_RATELIMIT_STORAGE_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "SAFETYOPS_INSTANCE_PATH": tempfile.mkdtemp(prefix="safetyops-instance-"),
        "SAFETYOPS_BASE_URL": "http://127.0.0.1",
        "SAFETYOPS_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


class Gunicorn:
    """The production server (gunicorn.conf.py) on a port of its own."""

    def __init__(self, env: dict[str, str], workers: int = 2, threads: int = 4) -> None:
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.proc = subprocess.Popen(  # noqa: S603 - fixed arguments
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--threads", str(threads), "--access-logfile", "/dev/null",
             "--error-logfile", "-"],
            cwd=ROOT, env={**env, "SAFETYOPS_WORKERS": str(workers)},
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for_port(self.port, 60)
        deadline = time.monotonic() + 60
        while len(self.worker_pids()) < workers:  # the port opens before every worker boots
            if time.monotonic() > deadline:
                raise TimeoutError(f"gunicorn has not booted {workers} workers: {self.output()}")
            time.sleep(0.1)

    def worker_pids(self) -> list[int]:
        out = subprocess.run(  # noqa: S603, S607 - procps, fixed arguments
            ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(p) for p in out.split()]

    def busiest_worker(self) -> int:
        """The worker holding the most client connections (from ``ss``): killing it is
        sure to cut connections that tablets are using."""
        out = subprocess.run(  # noqa: S603, S607 - iproute2, fixed arguments
            ["ss", "-Htnp", "state", "established", f"( sport = :{self.port} )"],
            capture_output=True, text=True, check=False,
        ).stdout  # fmt: skip
        counts = Counter(int(pid) for pid in re.findall(r"pid=(\d+)", out))
        workers = set(self.worker_pids())
        return max(workers, key=lambda pid: counts.get(pid, 0))

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@dataclass
class LoadFigures:
    acknowledged: set[str] = field(default_factory=set)
    attempts: int = 0
    retries: int = 0
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # connection-level failures by kind
    longest_outage: float = 0.0  # seconds a tablet waited between a failure and success

    def merge(self, other: LoadFigures) -> None:
        self.acknowledged |= other.acknowledged
        self.attempts += other.attempts
        self.retries += other.retries
        self.statuses.update(other.statuses)
        self.errors.update(other.errors)
        self.longest_outage = max(self.longest_outage, other.longest_outage)


class Tablet:
    """One officer's tablet: starts a round, then posts one result per request. Each result
    keeps its UUID across retries (connection errors, 503), as the outbox does; a result
    counts as acknowledged only on a 201/200 answer."""

    def __init__(self, ports: list[int], token: str, plan_id: int) -> None:
        self.ports = ports
        self.turn = 0
        self.token = token
        self.plan_id = plan_id
        self.conn: http.client.HTTPConnection | None = None
        self.figures = LoadFigures()
        self.round_id: int | None = None
        self.todo: list[int] = []

    def _connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            # Client-side round robin over the web nodes, a new node per connection.
            port = self.ports[self.turn % len(self.ports)]
            self.turn += 1
            self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        return self.conn

    def _call(self, method: str, path: str, body: dict) -> tuple[int, dict]:
        conn = self._connect()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        try:
            conn.request(method, path, json.dumps(body), headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            self.conn = None
            raise ConnectionError(type(exc).__name__) from exc
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            self.conn = None
        try:
            answer = json.loads(data) if data else {}
        except ValueError:
            answer = {"raw": data[:200].decode(errors="replace")}
        return response.status, answer

    def _until_done(self, method: str, path: str, body: dict, deadline: float) -> dict:
        """Send until the server answers 2xx; 503 and dropped connections are retried with
        the same body (same UUID). Anything else is a failure of the run."""
        failed_at: float | None = None
        while True:
            self.figures.attempts += 1
            try:
                status, answer = self._call(method, path, body)
            except ConnectionError as exc:
                self.figures.errors[str(exc)] += 1
                status, answer = 0, {}
            else:
                self.figures.statuses[status] += 1
            if 200 <= status < 300:
                if failed_at is not None:
                    outage = time.monotonic() - failed_at
                    self.figures.longest_outage = max(self.figures.longest_outage, outage)
                return answer
            if status not in (0, 502, 503):
                raise AssertionError(f"{method} {path} answered {status}: {answer}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{method} {path} still failing ({status}) at the deadline")
            failed_at = failed_at or time.monotonic()
            self.figures.retries += 1
            time.sleep(0.2)

    def run(self, results: int, deadline: float) -> None:
        for _ in range(results):
            if not self.todo:
                if self.round_id is not None:
                    self._until_done("POST", f"/api/v1/rounds/{self.round_id}/complete", {},
                                     deadline)  # fmt: skip
                started = self._until_done(
                    "POST", "/api/v1/rounds", {"plan_id": self.plan_id, "id": str(uuid.uuid4())},
                    deadline,
                )  # fmt: skip
                self.round_id = started["id"]
                self.todo = [c["id"] for c in started["checkpoints"]]
            result_id = str(uuid.uuid4())
            body = {"id": result_id, "checkpoint_id": self.todo.pop(0), "status": "ok",
                    "recorded_at": datetime.now(UTC).isoformat()}  # fmt: skip
            self._until_done("POST", f"/api/v1/rounds/{self.round_id}/results", body, deadline)
            self.figures.acknowledged.add(result_id)


class Load:
    """Several tablets posting at once, in threads; ``figures`` once joined."""

    def __init__(self, ports: list[int], district: District, results_each: int,
                 timeout: float = 120) -> None:  # fmt: skip
        deadline = time.monotonic() + timeout
        self.tablets = [Tablet(ports, t, p) for t, p in zip(district.tokens, district.plan_ids,
                                                             strict=True)]  # fmt: skip
        self.failures: list[BaseException] = []
        self.threads = [
            threading.Thread(target=self._run, args=(t, results_each, deadline), daemon=True)
            for t in self.tablets
        ]
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()

    def _run(self, tablet: Tablet, results: int, deadline: float) -> None:
        try:
            tablet.run(results, deadline)
        except BaseException as exc:  # noqa: BLE001 - reported by join()
            self.failures.append(exc)

    def posted(self) -> int:
        return sum(len(t.figures.acknowledged) for t in self.tablets)

    def join(self) -> LoadFigures:
        for thread in self.threads:
            thread.join()
        self.elapsed = time.monotonic() - self.started
        figures = LoadFigures()
        for tablet in self.tablets:
            figures.merge(tablet.figures)
        if self.failures:
            raise AssertionError(f"{len(self.failures)} tablet(s) failed: {self.failures[:3]}")
        return figures


def verdict(figures: LoadFigures, stored: Counter) -> dict[str, int | float]:
    """lost: acknowledged but not stored; duplicated: a UUID stored more than once."""
    return {
        "acknowledged": len(figures.acknowledged),
        "stored": len(stored),
        "lost": len(figures.acknowledged - set(stored)),
        "duplicated": sum(n - 1 for n in stored.values() if n > 1),
        "5xx_other_than_503": sum(
            n for status, n in figures.statuses.items() if status >= 500 and status != 503
        ),
        "retries": figures.retries,
        "recovery_s": round(figures.longest_outage, 2),
    }
