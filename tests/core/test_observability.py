"""Structured logs with a request id, and Prometheus metrics for operators."""

from __future__ import annotations

import io
import json
import logging

import pytest

from tests.rounds.test_rounds import result, start


@pytest.mark.config(LOG_FORMAT="json")
def test_logs_are_json_lines_with_the_request_id(app, client):
    stream = io.StringIO()
    handler = app.logger.handlers[0]
    handler.setStream(stream)

    @app.route("/_log")
    def _log():  # a route only this test adds
        app.logger.warning("door check noted")
        return "ok"

    _log.access_rule = "public"
    response = client.get("/_log", headers={"X-Request-ID": "tablet-42"})
    assert response.headers["X-Request-ID"] == "tablet-42"
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["message"] == "door check noted" and line["level"] == "WARNING"
    assert line["request_id"] == "tablet-42"


@pytest.mark.config(LOG_FORMAT="json")
def test_log_lines_name_the_user_and_the_campus_once_access_is_checked(app, client, two_campuses):
    from flask import g
    from flask_login import current_user

    from safetyops.core.access import campus_for

    stream = io.StringIO()
    app.logger.handlers[0].setStream(stream)

    @app.route("/_log/<code>")
    def _log_campus(code):  # a route only this test adds
        campus_for(current_user, code)
        app.logger.warning("campus page")
        return str(g.campus_id)

    from safetyops.core.access import allow

    allow()(_log_campus)
    officer = two_campuses["officer_a"]
    client.login(officer)
    assert client.get(f"/_log/{two_campuses['a'].code}").status_code == 200
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["user_id"] == officer.id
    assert line["campus_id"] == two_campuses["a"].id
    assert client.get(f"/_log/{two_campuses['b'].code}").status_code == 404  # not theirs


@pytest.fixture(autouse=True)
def _loggers_restored():
    """JSON logging replaces handlers on shared loggers: put them back for other tests."""
    names = ("safetyops", "werkzeug")
    saved = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).propagate) for n in names}
    yield
    for name, (handlers, propagate) in saved.items():
        logging.getLogger(name).handlers = handlers
        logging.getLogger(name).propagate = propagate


def test_a_request_id_is_made_when_none_is_given(client):
    first, second = client.get("/login"), client.get("/login")
    assert len(first.headers["X-Request-ID"]) == 32
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_metrics_count_requests_and_results_for_allowed_addresses_only(
    app, client, two_campuses, plan
):
    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    client.post_json(f"/api/v1/rounds/{round_['id']}/results", result(plan.stops[0].checkpoint_id))
    shown = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    body = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "safetyops_results_stored_total" in body
    assert 'safetyops_request_seconds_count{endpoint="rounds.start"' in body or (
        'endpoint="api.start_round"' in body
    )
    hidden = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert hidden.status_code == 404


@pytest.mark.config(METRICS_TOKEN="scrape-me")
def test_metrics_with_the_scrape_token_from_elsewhere(app):
    outside = app.test_client()
    refused = outside.get("/metrics", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    allowed = outside.get(
        "/metrics",
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
        headers={"Authorization": "Bearer scrape-me"},
    )
    assert refused.status_code == 404 and allowed.status_code == 200
