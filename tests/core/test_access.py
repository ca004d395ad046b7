"""Deny by default, per-role access, and campus scoping (pages 404, API JSON 404)."""

import pytest

from safetyops.core.access import BUILTIN_PUBLIC_ENDPOINTS, PUBLIC


def test_every_endpoint_declares_an_access_rule(app):
    undeclared = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in BUILTIN_PUBLIC_ENDPOINTS:
            continue
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access_rule", None) is None:
            undeclared.append(rule.endpoint)
    assert undeclared == []


def test_public_endpoints_are_few_and_known(app):
    public = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "access_rule", None) == PUBLIC
    }
    # The calendar feed is public by design: its URL carries a revocable secret token.
    # The API's document and its docs page describe the API and hold no data.
    # The login page's language switch sets only the session's language (CSRF-checked).
    assert public == {
        "accounts.login",
        "accounts.choose_language",
        "home.healthz",
        "home.readyz",
        "metrics",  # answers only METRICS_ALLOWED addresses or the scrape token
        "planning.feed",
        "api.openapi_json",
        "api_docs.api_docs",
        # Single sign-on: the way to the provider and back, before anyone is signed in.
        "accounts.sso_start",
        "accounts.sso_callback",
        # Public drill postings: only opted-in campuses' signed-off drills (tests/postings).
        "postings.public_drills",
        "postings.public_drills_csv",
        "postings.public_drills_pdf",
        # The installable tablet app (issue 11): the service worker, its manifest and the
        # "needs a connection" page hold no data and must load before anyone signs in.
        "offline.service_worker",
        "offline.manifest",
        "offline.offline_page",
    }


def test_an_undeclared_endpoint_is_refused(app, client, two_campuses):
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    client.login(two_campuses["admin"])
    response = client.get("/forgotten")
    assert response.status_code == 403
    assert b"secret" not in response.data


def test_anonymous_pages_redirect_to_login_and_api_says_401(client, two_campuses):
    response = client.get("/campuses/AAA")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=/campuses/AAA")
    api = client.get("/api/v1/campuses")
    assert api.status_code == 401
    assert api.json == {"error": "authentication required"}


# role -> (endpoint path, expected status) for a representative set of pages
MATRIX = {
    "officer": {
        "/": 200,
        "/campuses/AAA": 200,
        "/admin/campuses": 403,
        "/admin/users": 403,
        "/admin/audit": 403,
    },
    "principal": {"/": 200, "/campuses/AAA": 200, "/admin/campuses": 403, "/admin/users": 403},
    "supervisor": {"/": 200, "/campuses/AAA": 200, "/admin/users": 403},
    "viewer": {"/": 200, "/campuses/AAA": 200, "/campuses/BBB": 200, "/admin/campuses": 403},
    "admin": {
        "/": 200,
        "/campuses/AAA": 200,
        "/campuses/BBB": 200,
        "/admin/campuses": 200,
        "/admin/users": 200,
        "/admin/audit": 200,
        "/admin/campuses/AAA/checkpoints": 200,
    },
}


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_role_matrix(role, client, two_campuses):
    user = two_campuses[
        "admin" if role == "admin" else f"{role}_a" if role != "viewer" else "viewer"
    ]
    client.login(user)
    for path, status in MATRIX[role].items():
        assert client.get(path).status_code == status, (role, path)


@pytest.mark.parametrize("who", ["officer_a", "principal_a", "supervisor_a"])
def test_cross_campus_pages_and_api_are_404(who, client, two_campuses):
    client.login(two_campuses[who])
    assert client.get("/campuses/BBB").status_code == 404
    api = client.get("/api/v1/campuses/BBB/checkpoints")
    assert api.status_code == 404
    assert api.json == {"error": "not found"}
    assert client.get("/api/v1/campuses/BBB").status_code == 404
    codes = [c["code"] for c in client.get("/api/v1/campuses").json]
    assert codes == ["AAA"]


def test_admin_post_endpoints_refuse_other_roles(client, two_campuses, db):
    client.login(two_campuses["supervisor_a"])
    response = client.post("/admin/campuses/AAA/active", {"active": "0"})
    assert response.status_code == 403
    db.session.refresh(two_campuses["a"])
    assert two_campuses["a"].active is True


def test_unsafe_requests_without_csrf_token_are_refused(client, two_campuses, db):
    client.login(two_campuses["admin"])
    response = client.post("/admin/campuses/AAA/active", {"active": "0"}, csrf=False)
    assert response.status_code == 400
    db.session.refresh(two_campuses["a"])
    assert two_campuses["a"].active is True


def test_deactivated_campus_disappears_for_its_staff(client, two_campuses):
    from safetyops.campuses.operations import set_campus_active

    set_campus_active(two_campuses["a"], False)
    client.login(two_campuses["officer_a"])
    assert client.get("/campuses/AAA").status_code == 404
    assert client.get("/api/v1/campuses").json == []


def test_navigation_shows_each_role_only_what_it_can_open(client, two_campuses):
    client.login(two_campuses["officer_a"])
    officer_home = client.get("/").get_data(as_text=True)
    assert "/admin/users" not in officer_home
    client.logout()
    client.login(two_campuses["admin"])
    admin_home = client.get("/").get_data(as_text=True)
    assert "/admin/users" in admin_home and "/admin/audit" in admin_home
