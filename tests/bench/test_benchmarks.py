"""CI-sized runs of the benchmarks in bench/ (small data, one short load), so that they keep
working as the code changes. They check what a benchmark must get right (no lost or
duplicated result under load, the statements of a post, the PDFs, cold start's imports),
never a time: figures on a shared machine are not a test."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import ceiling_app
import cold_start
import post_results
import profile_post
import pytest
import weekly_report
from counting import counting
from district_data import PASSWORD, ZONE, generate
from sqlalchemy import func, select

from safetyops.extensions import db
from safetyops.rounds.models import RoundResult
from tests.conftest import Client

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _url(app) -> str:
    return app.config["DATABASE_URL"]


def _free_ports(count: int) -> list[int]:
    """Distinct free ports: all held open together so the kernel cannot hand one out twice
    (a port after a free one may be taken: CI once found it in use)."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


@pytest.fixture(autouse=True)
def _no_ceiling_table_left(request):
    """The ceiling's table is not the app's: gone after each test (the models-match-the-
    migrations test reads every table of the shared database)."""
    yield
    app = request.node.funcargs.get("app") or request.node.funcargs.get("district")
    if app is not None:
        ceiling_app.drop_table(_url(app))


@pytest.fixture
def district(app):
    """Three campuses of bench data (district_data.generate) in the test's database."""
    generate(3, 5, datetime.now(ZoneInfo(ZONE)).date(), 3)
    db.session.commit()
    return app


def test_load_bench_against_gunicorn_and_the_ceiling(district):
    """post_results.py: both apps under gunicorn, two clients, retries; every acknowledged
    result stored once, on both apps."""
    url = _url(district)
    db.session.remove()
    port, ceiling_port = _free_ports(2)
    runs = post_results.bench(url, levels=[2], posts=24, repeat=1, retry_every=4, port=port,
                              workers=1, threads=2, ceiling_port=ceiling_port)  # fmt: skip
    assert {r.app for r in runs} == {"safetyops", "ceiling"}
    for run in runs:
        assert run.lost == 0 and run.duplicated == 0, run
        assert run.requests >= 24 and run.rate > 0
    assert db.session.scalar(select(func.count(RoundResult.id))) > 0


def test_ceiling_app_is_idempotent(app):
    url = _url(app)
    ceiling_app.create_table(url)
    ceiling = ceiling_app.create_app(url)
    client = ceiling.test_client()
    body = {"id": "b5b0c1f3-7d7e-4b43-9d65-6f6f2b8e7c11", "round_id": 1, "checkpoint_id": 2,
            "status": "ok", "recorded_at": "2026-12-01T10:00:00+00:00"}  # fmt: skip
    try:
        assert client.post("/results", json=body).status_code == 201
        assert client.post("/results", json=body).status_code == 200
    finally:
        pool = ceiling.extensions.get("ceiling_pool")
        if pool is not None:  # PostgreSQL: its pool's threads end with the test
            pool.close()


def test_profile_of_a_post_in_process(district, capsys):
    """profile_post.py: a post is one statement on the fast lane (the guarded INSERT, with
    the token's owner, the round and the campus as its conditions)."""
    url = _url(district)
    db.session.remove()
    production = profile_post.production_app(url)
    post, _start = profile_post.poster(production, url)
    with production.app_context():
        engine = db.engine
    lane = production.extensions["result_fast_lane"].engine  # its own pool on PostgreSQL

    post()  # starts a round
    with counting(engine, lane) as counted:
        assert post() == 201
    assert counted.queries == 1, counted.statements
    # One statement: the full path would have loaded the token's owner first.
    assert counted.statements[0].startswith("INSERT INTO round_result")


def test_cold_start_imports_no_heavy_library():
    [run] = cold_start.cold_start(1)
    assert run["status"] == 200
    assert not {"alembic", "authlib", "weasyprint", "requests", "PIL"} & set(run["loaded"])


def test_weekly_report_pdfs(district, capsys):
    """weekly_report.py's PDFs: campus inside the request, district in the background, the
    snapshot's district PDF stored once and sent as a file."""
    from safetyops.reports import files
    from safetyops.reports.queries import default_week

    client = Client(district)
    client.login("admin@bench.local", password=PASSWORD)
    saved = files.INLINE_MAX_CAMPUSES
    files.INLINE_MAX_CAMPUSES = 1  # three campuses make a "district" here
    try:
        weekly_report.pdfs(district, client, default_week(date.today()), "S001")
    finally:
        files.INLINE_MAX_CAMPUSES = saved
    out = capsys.readouterr().out
    assert "made in the background" in out and "'made': 1" in out
    assert "stored district PDF opened" in out


def test_the_scripts_run_on_a_small_district(tmp_path):
    """Every benchmark script end to end on a small temporary SQLite district."""
    url = f"sqlite:///{tmp_path}/bench.db"
    scripts = [
        ["district_data.py", "--db", url, "--campuses", "3", "--checkpoints", "4", "--days", "3"],
        ["pages_at_scale.py", "--db", url, "--requests", "2"],
        ["audit_chain.py", "--db", url],
        ["officer_home.py", "--requests", "2"],
        # weekly_report, imports, jobs, profile_post, post_results and cold_start run
        # in-process above and in test_imports.py / test_jobs.py (less start-up time).
    ]  # fmt: skip
    for script in scripts:
        done = subprocess.run(  # noqa: S603 - our own scripts
            [sys.executable, str(BENCH / script[0]), *script[1:]],
            cwd=BENCH, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, (script[0], done.stderr[-2000:])
        assert done.stdout.strip(), script[0]
