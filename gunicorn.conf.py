"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py``.

Several workers serve the web app; the scheduler is a separate single process
(``safetyops scheduler``), never started inside a worker.
"""

import multiprocessing
import os
import subprocess
import sys

bind = os.environ.get("SAFETYOPS_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("SAFETYOPS_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# check-deploy and every worker read the worker count (several need a shared rate-limit store).
os.environ["SAFETYOPS_WORKERS"] = str(workers)
worker_class = "gthread"
threads = int(os.environ.get("SAFETYOPS_THREADS", 4))
timeout = 60
accesslog = "-"
wsgi_app = "safetyops.wsgi:app"


def on_starting(server):
    """Refuse to start with a default secret key or accounts still on the demo password."""
    result = subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [sys.executable, "-m", "safetyops.cli", "check-deploy"], check=False
    )
    if result.returncode != 0:
        raise SystemExit("safetyops check-deploy failed; refusing to start")
