"""How long sealing and verifying the evidence chains take on a generated district.

    python bench/district_data.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench
    python bench/audit_chain.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench

Prints the records sealed and checked, the seconds each took, the rate, and what a year of
a 200-campus district (about 1.5 million evidence records) would take at that rate.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from safetyops import create_app
from safetyops.audit import ledger
from safetyops.extensions import db

YEAR_OF_DISTRICT = 1_500_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "bench", "DATABASE_URL": args.db,
                      "INSTANCE_PATH": tempfile.mkdtemp()})  # fmt: skip
    with app.app_context():
        started = time.perf_counter()
        sealed = ledger.seal()
        seal_s = time.perf_counter() - started
        report = ledger.verify()
        seal_rate = sealed / max(seal_s, 1e-9)
        print(f"sealed   {sealed:>9} records in {seal_s:7.1f} s  ({seal_rate:,.0f}/s)")
        print(f"verified {report.records:>9} records, {report.links} links in "
              f"{report.seconds:7.1f} s  ({report.records / max(report.seconds, 1e-9):,.0f}/s); "
              f"{'all match' if report.ok else f'{len(report.problems)} problems'}")  # fmt: skip
        rate = report.records / max(report.seconds, 1e-9)
        print(f"a year of a 200-campus district ({YEAR_OF_DISTRICT:,} records): "
              f"about {YEAR_OF_DISTRICT / rate:.0f} s to verify")  # fmt: skip
        db.session.remove()


if __name__ == "__main__":
    main()
