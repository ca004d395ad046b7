"""Cold start of a web worker, and what a fresh install costs.

    python bench/cold_start.py                 # cold start: 5 fresh processes
    python bench/cold_start.py --install       # also: fresh venvs, `pip install .` timed

Cold start is what a new gunicorn worker pays before its first answer: importing
``safetyops``, ``create_app()`` and one first request (the sign-in page: routing, a
template compiled, the session), each in a fresh Python process on a temporary SQLite
database. Prints the median and the fastest, and which heavy libraries got imported
(Authlib, Alembic, WeasyPrint and the like should not be: they load where they are used).

``--install`` makes a new virtualenv for the SQLite default (``pip install .``) and one
with the production extras (``.[postgresql,server]``), and prints each install's time and
package count (through the configured package index; slow and network-bound).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("weasyprint", "alembic", "authlib", "joserfc", "pandas", "qrcode", "requests",
         "psycopg", "redis", "openpyxl", "icalendar", "apscheduler", "pypdf")  # fmt: skip
PROBE = """
import json, sys, tempfile, time
t0 = time.perf_counter()
from safetyops import create_app
t1 = time.perf_counter()
app = create_app({"ENV_NAME": "testing", "DATABASE_URL": "sqlite:///" + tempfile.mkdtemp()
                  + "/cold.db", "INSTANCE_PATH": tempfile.mkdtemp()})
t2 = time.perf_counter()
status = app.test_client().get("/login").status_code
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "create_app": t2 - t1, "first_request": t3 - t2,
                  "total": t3 - t0, "status": status,
                  "loaded": sorted(m for m in HEAVY if m in sys.modules)}))
"""


def cold_start(runs: int = 5) -> list[dict]:
    """One measurement per fresh process."""
    out = []
    for _ in range(runs):
        code = f"HEAVY = {HEAVY!r}\n{PROBE}"
        done = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        out.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return out


def fresh_install(spec: str) -> tuple[float, int]:
    """Seconds to ``pip install spec`` into a new venv, and the packages it then holds."""
    with tempfile.TemporaryDirectory() as venv:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)  # noqa: S603
        pip = [str(Path(venv) / "bin" / "python"), "-m", "pip"]
        t0 = time.perf_counter()
        subprocess.run([*pip, "install", "--quiet", spec], cwd=ROOT, check=True)  # noqa: S603
        seconds = time.perf_counter() - t0
        listed = subprocess.run(  # noqa: S603
            [*pip, "list", "--format=json"], capture_output=True, text=True, check=True
        )
        return seconds, len(json.loads(listed.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--install", action="store_true", help="also time fresh installs")
    args = parser.parse_args()
    runs = cold_start(args.runs)
    for key in ("import", "create_app", "first_request", "total"):
        values = [r[key] for r in runs]
        print(f"{key:14s} median {statistics.median(values):5.2f} s   fastest {min(values):5.2f} s")
    print(f"heavy libraries imported: {', '.join(runs[0]['loaded']) or 'none'}")
    if args.install:
        for spec in (".", ".[postgresql,server]"):
            seconds, packages = fresh_install(spec)
            print(f"pip install {spec:22s} {seconds:6.0f} s   {packages} packages")


if __name__ == "__main__":
    main()
