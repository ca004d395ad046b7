"""What operators see: structured JSON logs with a request id (and the user, when known)
on every line, and Prometheus metrics at /metrics (request latency by endpoint, result
writes, job runs and failures, emails sent and failed), served only to the addresses in
``METRICS_ALLOWED`` or with ``METRICS_TOKEN``.

With several gunicorn workers set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory:
each worker then writes its figures there and /metrics sums them."""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, abort, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from pythonjsonlogger.json import JsonFormatter

from safetyops.core.access import public

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

REQUESTS = Histogram(
    "safetyops_request_seconds", "Time to answer a request", ["endpoint", "method", "status"]
)
RESULTS = Counter("safetyops_results_stored_total", "Checkpoint results stored (new ones)")
JOB_RUNS = Counter("safetyops_job_runs_total", "Scheduler job runs", ["job", "outcome"])
EMAILS = Counter("safetyops_emails_total", "Emails by outcome", ["outcome"])


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``user_id`` and ``campus_id`` (once the request has checked
    access to a campus) to each log record; empty outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "") if has_request_context() else ""
        user = g.get("_login_user") if has_request_context() else None
        record.user_id = getattr(user, "id", "") if user is not None else ""
        record.campus_id = g.get("campus_id", "") if has_request_context() else ""
        return True


def configure_logging(app: Flask) -> None:
    """``LOG_FORMAT = "json"`` (production's default): one JSON object per line."""
    if app.config.get("LOG_FORMAT") != "json":
        return
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s "
            "%(campus_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(RequestContextFilter())
    for logger in (app.logger, logging.getLogger("safetyops"), logging.getLogger("werkzeug")):
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def request_id(given: str) -> str:
    """The client's X-Request-ID if it is a plain token, else a new one."""
    return given if REQUEST_ID.match(given) else uuid.uuid4().hex


def register(app: Flask) -> None:
    configure_logging(app)

    @app.before_request
    def _start() -> None:
        g.request_id = request_id(request.headers.get("X-Request-ID", ""))
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        started = g.get("request_started")
        if started is not None and request.endpoint != "metrics":
            labels = (request.endpoint or "unmatched", request.method, str(response.status_code))
            REQUESTS.labels(*labels).observe(time.perf_counter() - started)
        return response

    app.add_url_rule("/metrics", "metrics", metrics)


@public  # guarded below by the client's address or a token
def metrics() -> Any:
    allowed = request.remote_addr in _config("METRICS_ALLOWED", ["127.0.0.1", "::1"])
    token = _config("METRICS_TOKEN", "")
    if token and request.headers.get("Authorization", "") == f"Bearer {token}":
        allowed = True
    if not allowed:
        abort(404)  # not advertised to the world
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


def _config(name: str, default: Any) -> Any:
    from flask import current_app

    return current_app.config.get(name, default)
