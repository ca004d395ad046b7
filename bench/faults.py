"""Fault runs at full size (the bounded versions run in CI: tests/faults/).

    python bench/faults.py [--tablets 8] [--results 300] [--crashes 3]

1. database crash: a throwaway PostgreSQL cluster is stopped immediately (a crash) and
   started again, ``--crashes`` times, while the tablets post results with retries;
2. worker kill: the gunicorn worker holding the most connections is SIGKILLed, repeatedly.

Each prints acknowledged, stored, lost (must be 0), duplicated (must be 0), 5xx other than
503 (must be 0), retries and the longest time a tablet waited (recovery).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.faults.harness import (  # noqa: E402 - after the path
    Gunicorn,
    Load,
    ThrowawayPostgres,
    prepare_database,
    production_env,
    stored_results,
    verdict,
)


def _when_posted(load: Load, count: int) -> None:
    while load.posted() < count and any(t.is_alive() for t in load.threads):
        time.sleep(0.05)


def run_with_faults(tablets: int, results: int, faults: int, fault) -> dict:
    """Tablets post through gunicorn on a throwaway cluster; ``fault(cluster, server)`` is
    applied ``faults`` times, spread evenly over the run."""
    cluster = ThrowawayPostgres().start()
    try:
        district = prepare_database(cluster.url, tablets)
        server = Gunicorn(production_env(cluster.url), workers=2, threads=4)
        try:
            load = Load([server.port], district, results, timeout=600)
            total = tablets * results
            for n in range(1, faults + 1):
                _when_posted(load, total * n // (faults + 1))
                fault(cluster, server)
            figures = load.join()
        finally:
            server.stop()
        return {**verdict(figures, stored_results(cluster.url)), "seconds": round(load.elapsed, 1)}
    finally:
        cluster.remove()


def crash_database(cluster: ThrowawayPostgres, server: Gunicorn) -> None:
    cluster.crash()
    time.sleep(2)
    cluster.start()


def kill_busiest_worker(cluster: ThrowawayPostgres, server: Gunicorn) -> None:
    os.kill(server.busiest_worker(), signal.SIGKILL)
    time.sleep(1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--tablets", type=int, default=8)
    parser.add_argument("--results", type=int, default=300, help="results per tablet")
    parser.add_argument("--crashes", type=int, default=3, help="crashes and kills per run")
    args = parser.parse_args()
    for name, fault in (
        ("database crash", crash_database),
        ("worker SIGKILL", kill_busiest_worker),
    ):
        figures = run_with_faults(args.tablets, args.results, args.crashes, fault)
        print(f"{name:15s} x{args.crashes}: {figures}", flush=True)
        assert figures["lost"] == 0 and figures["duplicated"] == 0, figures


if __name__ == "__main__":
    main()
