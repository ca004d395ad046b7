"""The ceiling for posting a result: bare Flask and one idempotent INSERT, nothing else.

No authentication, no session, no ORM, no audit, no rate limiter: what a result post would
cost if SafetyOps did only the unavoidable work. ``bench/post_results.py`` serves it under
the same gunicorn settings as SafetyOps, in the same run, and prints the ratio.

    CEILING_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/safetyops_perf_bench \\
        gunicorn --chdir bench ceiling_app:app

``POST /results`` takes ``{"id": uuid, "round_id", "checkpoint_id", "status",
"recorded_at"}``; answers 201 for a new id and 200 for a repeat (INSERT ... ON CONFLICT DO
NOTHING, so a retry never stores twice). PostgreSQL goes through a psycopg pool; a SQLite
URL (``sqlite:////tmp/x.db``) through one connection per thread.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import UTC, datetime

from flask import Flask, jsonify, request

TABLE = "ceiling_result"
CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id VARCHAR(36) PRIMARY KEY, round_id INTEGER NOT NULL,"
    " checkpoint_id INTEGER NOT NULL, status VARCHAR(16) NOT NULL,"
    " recorded_at TIMESTAMP NOT NULL, received_at TIMESTAMP NOT NULL)"
)
INSERT = (
    f"INSERT INTO {TABLE} (id, round_id, checkpoint_id, status, recorded_at, received_at)"
    " VALUES ({p}, {p}, {p}, {p}, {p}, {p}) ON CONFLICT (id) DO NOTHING RETURNING id"
)


def create_table(url: str) -> None:
    """The ceiling's table, empty (the bench calls this before a run)."""
    if url.startswith("sqlite"):
        with sqlite3.connect(_sqlite_path(url)) as conn:
            conn.execute(CREATE)
            conn.execute(f"DELETE FROM {TABLE}")
        return
    import psycopg

    with psycopg.connect(_libpq_url(url), autocommit=True) as conn:
        conn.execute(CREATE)
        conn.execute(f"TRUNCATE {TABLE}")


def drop_table(url: str) -> None:
    """Leave the database as the app's migrations made it (the tests share one)."""
    if url.startswith("sqlite"):
        with sqlite3.connect(_sqlite_path(url)) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        return
    import psycopg

    with psycopg.connect(_libpq_url(url), autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")


def _sqlite_path(url: str) -> str:
    return url.split(":///", 1)[1]


def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def create_app(url: str | None = None) -> Flask:
    url = url or os.environ["CEILING_DATABASE_URL"]
    app = Flask(__name__)
    if url.startswith("sqlite"):
        local = threading.local()
        path = _sqlite_path(url)
        statement = INSERT.format(p="?")

        def insert(values: tuple) -> bool:
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            stored = conn.execute(statement, values).fetchone() is not None
            return stored

    else:
        from psycopg_pool import ConnectionPool

        threads = int(os.environ.get("SAFETYOPS_THREADS", 4))
        pool = ConnectionPool(_libpq_url(url), min_size=threads, max_size=threads, open=True)
        app.extensions["ceiling_pool"] = pool  # closed by whoever ends the app (tests)
        statement = INSERT.format(p="%s")

        def insert(values: tuple) -> bool:
            with pool.connection() as conn:  # commits on leaving the block
                return conn.execute(statement, values).fetchone() is not None

    @app.post("/results")
    def post_result():
        body = request.get_json()
        stored = insert(
            (
                body["id"],
                int(body["round_id"]),
                int(body["checkpoint_id"]),
                body["status"],
                datetime.fromisoformat(body["recorded_at"]),
                datetime.now(UTC).replace(tzinfo=None),
            )
        )
        return jsonify({"id": body["id"]}), 201 if stored else 200

    return app


if os.environ.get("CEILING_DATABASE_URL"):
    app = create_app()
