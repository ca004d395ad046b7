"""Production headers: HSTS, nothing private kept in caches, photos private."""

from __future__ import annotations

from safetyops.config import CONFIGS


def test_production_sends_hsts_for_a_year():
    assert CONFIGS["production"].HSTS_SECONDS == 31536000


def test_hsts_header_when_configured(app, client):
    app.config["HSTS_SECONDS"] = 31536000
    assert client.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_signed_in_pages_and_exports_are_no_store(client, two_campuses, token_for):
    anonymous = client.get("/login")
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    client.login(two_campuses["principal_a"])
    for url in ("/", "/findings", "/campuses/AAA/compliance", "/api/v1/me"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store, private", url
    export = client.http.get(
        "/exports/results.csv?from=2026-01-01&to=2026-01-31",
        headers=token_for(two_campuses["admin"]),
    )
    assert export.status_code == 200
    assert export.headers["Cache-Control"] == "no-store, private"


def test_static_files_stay_cacheable(client, two_campuses):
    client.login(two_campuses["officer_a"])
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
