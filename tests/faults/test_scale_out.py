"""The production topology from the venv (scripts/local_cluster.py, `make cluster`): two
gunicorn nodes behind a round-robin proxy and two schedulers on a throwaway PostgreSQL.
Under load every write is stored exactly once, one scheduler is active, the standby takes
over when the active one is SIGKILLed, every notification is made once and emailed: the one
email the killed scheduler may have had on the wire is sent again once its claim is stale,
under the same Message-ID (SMTP cannot tell us whether it went)."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from tests.faults.harness import (
    ROOT,
    Load,
    ThrowawayPostgres,
    free_port,
    prepare_database,
    production_env,
    stored_results,
    verdict,
)
from tests.smtp import SMTPServer

pytestmark = pytest.mark.faults


class Output:
    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            self.lines.put(line.rstrip())

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        """The first line, seen before or arriving within ``timeout``, that matches."""
        for line in self.seen:
            if match := re.search(pattern, line):
                return match
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no {pattern!r} in {timeout}s; saw {self.seen[-30:]}")


def _notifications(url: str) -> tuple[int, int]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        total = conn.execute(sa.text("SELECT count(*) FROM notification")).scalar_one()
        sent = conn.execute(
            sa.text("SELECT count(*) FROM notification WHERE email_status = 'sent'")
        ).scalar_one()
    engine.dispose()
    return total, sent


def _catch_up_done(url: str) -> bool:
    """The notifying jobs have each finished a run and none is running."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        done = conn.execute(
            sa.text(
                "SELECT count(DISTINCT job_id) FROM job_run WHERE ok AND job_id IN "
                "('weekly-report', 'compliance-reminders')"
            )
        ).scalar_one()
        running = conn.execute(
            sa.text("SELECT count(*) FROM job_run WHERE finished_at IS NULL")
        ).scalar_one()
    engine.dispose()
    return done == 2 and running == 0


def _kinds(url: str) -> dict[str, int]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT kind, count(*) FROM notification GROUP BY kind"))
        kinds = dict(rows.all())
    engine.dispose()
    return kinds


def test_two_nodes_two_schedulers_under_load_with_a_failover():
    cluster = ThrowawayPostgres().start()
    smtp = SMTPServer().start()
    port = free_port()
    try:
        t0 = time.monotonic()
        district = prepare_database(cluster.url, tablets=8, reminders=True)
        print(f"prepared at {time.monotonic() - t0:.1f}s")
        env = production_env(
            cluster.url,
            redis_db=10,
            SAFETYOPS_SMTP_HOST="127.0.0.1",
            SAFETYOPS_SMTP_PORT=str(smtp.port),
            SAFETYOPS_SMTP_TLS="none",
            SAFETYOPS_SCHEDULER_LOCK_POLL_SECONDS="0.5",
            # Today's drill reminders at any hour the test runs (not only after 06:30 UTC),
            # so as many emails go out every time; a dead sender's claim is stale in 10 s.
            SAFETYOPS_REMINDER_TIME="00:00",
            SAFETYOPS_EMAIL_CLAIM_TIMEOUT_SECONDS="10",
        )
        proc = subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, str(ROOT / "scripts" / "local_cluster.py"), "--port", str(port),
             "--workers", "1"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        out = Output(proc)
        try:
            pids = {}
            for n in (1, 2):
                match = out.wait_for(rf"scheduler-{n} pid (\d+)")
                pids[n] = int(match.group(1))
            out.wait_for(r"ready on http")
            print(f"cluster up at {time.monotonic() - t0:.1f}s")
            active = int(out.wait_for(r"\[scheduler-(\d)\] scheduler: active").group(1))
            standby = 3 - active
            out.wait_for(rf"\[scheduler-{standby}\] scheduler: standby")

            load = Load([port], district, results_each=25, timeout=150)
            while load.posted() < 60:
                time.sleep(0.05)
            os.kill(pids[active], signal.SIGKILL)
            out.wait_for(rf"\[scheduler-{standby}\] scheduler: active", timeout=30)
            figures = load.join()
            print(f"load done at {time.monotonic() - t0:.1f}s ({load.elapsed:.1f}s)")
            # The new active scheduler's catch-up run has made this week's report and
            # today's reminders, and sent them (and what the killed one left claimed).
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                total, sent = _notifications(cluster.url)
                if total and sent == total and _catch_up_done(cluster.url):
                    break
                time.sleep(0.5)
            print(f"emails done at {time.monotonic() - t0:.1f}s")
            with contextlib.suppress(AssertionError):  # drain what is left to read
                out.wait_for("never printed", timeout=1)
            print("\n".join(line for line in out.seen if "scheduler:" in line)[-4000:])
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
        figures_out = verdict(figures, stored_results(cluster.url))
        total, sent = _notifications(cluster.url)
        kinds = _kinds(cluster.url)
        print(f"notifications by kind: {kinds}")
    finally:
        smtp.stop()
        cluster.remove()
    emails = Counter(str(m["Message-ID"]) for m in smtp.inbox.messages)
    notified = {int(m.group(1)) for e in emails if (m := re.match(r"<notification\.(\d+)\.", e))}
    resent = sum(n - 1 for n in emails.values())
    print(f"scale-out: {figures_out}; notifications {total}, emails {len(emails)} (+{resent})")
    assert figures_out["acknowledged"] == 8 * 25
    assert figures_out["lost"] == 0 and figures_out["duplicated"] == 0
    assert figures_out["5xx_other_than_503"] == 0
    # Last week's report to 8 principals and the safety department (in term time, today's
    # drill reminders too: 128 more on 2026-12-02); each notification emailed ...
    assert kinds.get("weekly_report", 0) == 9 and sent == total
    assert len(notified) == len(emails) == total
    # ... once, but for the one the killed scheduler was sending, if it was sending one.
    assert resent <= 1
