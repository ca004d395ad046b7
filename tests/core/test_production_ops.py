"""Running behind a proxy and under an orchestrator: ProxyFix, /readyz, the login's
dummy hash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from safetyops.scheduler.models import JobRun


@pytest.mark.config(PROXY_COUNT=1)
def test_behind_one_proxy_the_client_address_scheme_and_host_are_the_proxys_word(app):
    seen = {}

    @app.route("/_echo")
    def _echo():  # a route only this test adds
        from flask import request, url_for

        seen.update(addr=request.remote_addr, url=url_for("home.healthz", _external=True))
        return "ok"

    _echo.access_rule = "public"
    response = app.test_client().get(
        "/_echo",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
                 "X-Forwarded-Host": "safety.district.org"},
    )  # fmt: skip
    assert response.status_code == 200
    assert seen == {"addr": "203.0.113.9", "url": "https://safety.district.org/healthz"}


def test_without_a_proxy_forwarded_headers_are_ignored(app):
    seen = {}

    @app.route("/_echo2")
    def _echo2():
        from flask import request

        seen["addr"] = request.remote_addr
        return "ok"

    _echo2.access_rule = "public"
    app.test_client().get("/_echo2", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen["addr"] != "203.0.113.9"


def test_readyz_wants_the_schema_at_head_and_a_recent_scheduler(app, client, db):
    waiting = client.get("/readyz")
    assert waiting.status_code == 503 and waiting.json["scheduler"].startswith("no job")
    assert waiting.json["database"] == "ok" and waiting.json["migrations"] == "ok"
    now = datetime.now(UTC)
    db.session.add(JobRun(job_id="deliver-email", started_at=now, finished_at=now, ok=True))
    db.session.commit()
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["status"] == "ready"
    head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    try:
        behind = client.get("/readyz")
        assert behind.status_code == 503 and "code expects" in behind.json["migrations"]
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
        db.session.commit()


def test_an_unknown_email_costs_one_verification_like_a_real_account(app):
    from safetyops.accounts import passwords

    passwords._DUMMY_HASHES.clear()
    passwords.dummy_verify("guess-one")
    first = dict(passwords._DUMMY_HASHES)
    passwords.dummy_verify("guess-two")
    assert len(first) == 1 and first == passwords._DUMMY_HASHES  # hashed once, reused
