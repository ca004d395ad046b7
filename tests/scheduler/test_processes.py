"""Real processes: two `safetyops jobs run` at once deliver each reminder exactly once; two
`safetyops scheduler` on PostgreSQL elect one active, and the standby takes over."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from safetyops.calendar import operations as calendar_service
from safetyops.compliance import operations as rule_packs

ROOT = Path(__file__).resolve().parents[2]
PACK = (ROOT / "safetyops" / "compliance" / "rulepacks" / "default.toml").read_text()
CALENDAR = "campus_code,kind,name,start_date,end_date\n,term,Fall 2026,2026-08-17,2026-12-18\n"


@pytest.fixture
def district(app, db, make_campus, make_user):
    """Five campuses, each with a principal and two officers, on the default pack."""
    for _ in range(5):
        campus = make_campus()
        make_user("principal", [campus])
        make_user("officer", [campus])
        make_user("officer", [campus])
    make_user("safety_admin")
    assert calendar_service.import_calendar(CALENDAR).ok
    rule_packs.load_pack(PACK)
    db.session.remove()


def _env(app, smtp, tmp_path) -> dict:
    return {
        **os.environ,
        "SAFETYOPS_ENV": "development",
        "SAFETYOPS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SAFETYOPS_INSTANCE_PATH": str(tmp_path),
        "SAFETYOPS_SMTP_HOST": "127.0.0.1",
        "SAFETYOPS_SMTP_PORT": str(smtp.port),
        "SAFETYOPS_SMTP_TLS": "none",
        "SAFETYOPS_SCHEDULER_LOCK_POLL_SECONDS": "0.5",
        "PYTHONPATH": str(ROOT),
    }


def _cli(*args) -> list[str]:
    return [sys.executable, "-m", "safetyops.cli", *args]


def test_two_processes_running_the_same_day_send_each_reminder_once(app, smtp, district, tmp_path):
    env = _env(app, smtp, tmp_path)
    day = ["--as-of", "2026-09-01"]  # 14 days before the 30-day deadlines; August overdue
    procs = [
        subprocess.Popen(  # noqa: S603 - our own CLI
            _cli("jobs", "run", "compliance-reminders", *day),
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    # Between them the two processes stored each notification once.
    created = sum(int(o.split("'notifications': ")[1].split(",")[0]) for o in outputs)
    sent = Counter((str(m["To"]), " ".join(str(m["Subject"]).split())) for m in smtp.inbox.messages)
    assert created == len(sent) > 0, outputs
    assert set(sent.values()) == {1}, [k for k, v in sent.items() if v > 1]
    # 5 campuses x (principal + 2 officers) x 3 term rules due in 14 days ...
    due = [k for k in sent if "drill due in 14 days" in k[1]]
    assert len(due) == 5 * 3 * 3
    # ... and two evacuation rules overdue (the year's first, due 26 Aug, and August's),
    # escalated once per campus to the principal and the safety department.
    assert len([k for k in sent if k[1].startswith("OVERDUE")]) == 5 * 2 * 2


class Lines:
    """A process's stdout, read on a thread so the test can wait for a line with a timeout."""

    def __init__(self, proc):
        self.proc = proc
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip())

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} within {timeout}s; saw: {seen[-20:]}")


@pytest.mark.postgresql_only
def test_a_second_scheduler_waits_and_takes_over(app, smtp, district, tmp_path):
    env = _env(app, smtp, tmp_path)
    start = {"env": env, "cwd": ROOT, "stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL,
             "text": True}  # fmt: skip
    first = subprocess.Popen(_cli("scheduler"), **start)  # noqa: S603 - our own CLI
    second = None
    try:
        Lines(first).wait_for("scheduler: active")
        second = subprocess.Popen(_cli("scheduler"), **start)  # noqa: S603
        standby = Lines(second)
        standby.wait_for("scheduler: standby")
        first.send_signal(signal.SIGKILL)  # a crash: its connection, and so the lock, go away
        first.wait(timeout=10)
        standby.wait_for("scheduler: active", timeout=30)
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
