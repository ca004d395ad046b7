"""With the database unreachable: friendly 503 pages, JSON 503 for the API, both with
Retry-After; never a stack trace or a bare server page."""

from __future__ import annotations

import socket

import pytest

from safetyops import create_app
from tests.conftest import TEST_CONFIG


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket closes


@pytest.fixture
def down_app(tmp_path):
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/nowhere?connect_timeout=2"
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path)})
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_signed_in_pages_answer_a_friendly_503(down_app):
    http = down_app.test_client()
    with http.session_transaction() as session:
        session["_user_id"] = "some-session-token"  # a signed-in browser: loading it needs the DB
    response = http.get("/")
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "briefly unavailable" in body and "Traceback" not in body


def test_the_api_answers_json_503_with_retry_after(down_app):
    response = down_app.test_client().get(
        "/api/v1/me", headers={"Authorization": "Bearer sop_whatever"}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.json == {"error": "the database is unavailable; try again shortly"}


def test_the_login_page_post_answers_503_not_500(down_app):
    down_app.config["WTF_CSRF_ENABLED"] = False
    response = down_app.test_client().post(
        "/login", data={"email": "a@b.test", "password": "whatever-long"}
    )
    assert response.status_code == 503


def test_healthz_says_unavailable(down_app, app):
    down = down_app.test_client().get("/healthz")
    assert down.status_code == 503 and down.json["database"] == "unreachable"
    up = app.test_client().get("/healthz")
    assert up.status_code == 200 and up.json == {"status": "ok", "database": "ok"}
