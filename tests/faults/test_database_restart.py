"""The database crashes and comes back while 8 tablets post results through gunicorn:
0 acknowledged results lost, 0 duplicated, no 5xx but 503, and the app recovers by itself
(no restart). Bounded for CI; bench/faults.py runs it bigger."""

from __future__ import annotations

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


@pytest.fixture
def cluster():
    pg = ThrowawayPostgres().start()
    yield pg
    pg.remove()


def test_a_database_crash_loses_and_doubles_nothing(cluster):
    district = prepare_database(cluster.url, tablets=8)
    server = Gunicorn(production_env(cluster.url), workers=2, threads=4)
    try:
        load = Load([server.port], district, results_each=60, timeout=150)
        while load.posted() < 80:  # the crash lands mid-run
            time.sleep(0.05)
        cluster.crash()
        time.sleep(2)  # requests meanwhile answer 503 or fail to connect; tablets retry
        cluster.start()
        figures = load.join()
    finally:
        server.stop()
    figures_out = verdict(figures, stored_results(cluster.url))
    print(f"database crash: {figures_out}; load {load.elapsed:.1f}s")
    assert figures_out["acknowledged"] == 8 * 60
    assert figures_out["lost"] == 0
    assert figures_out["duplicated"] == 0
    assert figures_out["5xx_other_than_503"] == 0, server.output()[-3000:]
    assert figures.retries > 0  # the crash was felt: this run proves the recovery
