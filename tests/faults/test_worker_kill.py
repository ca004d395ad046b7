"""A gunicorn worker is SIGKILLed while 8 tablets post results: gunicorn starts another,
the tablets retry what was cut (same UUIDs), and nothing acknowledged is lost or doubled."""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.faults.harness import (
    Gunicorn,
    Load,
    ThrowawayPostgres,
    prepare_database,
    production_env,
    stored_results,
    verdict,
)

pytestmark = pytest.mark.faults


def test_a_killed_worker_loses_and_doubles_nothing():
    cluster = ThrowawayPostgres().start()
    try:
        district = prepare_database(cluster.url, tablets=8)
        server = Gunicorn(production_env(cluster.url), workers=2, threads=4)
        try:
            before = server.worker_pids()
            assert len(before) == 2
            load = Load([server.port], district, results_each=60, timeout=150)
            while load.posted() < 80:
                time.sleep(0.05)
            victim = server.busiest_worker()
            os.kill(victim, signal.SIGKILL)
            figures = load.join()
            after = server.worker_pids()
        finally:
            server.stop()
        figures_out = verdict(figures, stored_results(cluster.url))
    finally:
        cluster.remove()
    print(f"worker SIGKILL: {figures_out}; load {load.elapsed:.1f}s")
    assert victim not in after and len(after) == 2  # replaced by the master
    assert figures_out["acknowledged"] == 8 * 60
    assert figures_out["lost"] == 0
    assert figures_out["duplicated"] == 0
    assert figures_out["5xx_other_than_503"] == 0
    assert sum(figures.errors.values()) > 0  # connections really were cut
