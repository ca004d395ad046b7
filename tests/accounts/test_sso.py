"""Single sign-on against a real OpenID Connect provider started by the test (Node's
certified oidc-provider): a successful sign-in, a wrong audience, a tampered state, an
email outside the allowed domains, unknown users with and without account creation, a
deactivated user, and password sign-in turned off for all but safety admins."""

from __future__ import annotations

import re
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from werkzeug.serving import make_server

from safetyops.extensions import db as _db
from tests.conftest import make_app
from tests.oidc.fixture import Provider, sign_in_at_provider

CLIENT = {"client_id": "safetyops", "client_secret": "s3cret-for-tests"}
OTHER = {"client_id": "another-app", "client_secret": "other-s3cret"}


@pytest.fixture(scope="module")
def ports():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider(ports):
    redirect = f"http://127.0.0.1:{ports}/login/sso/district/callback"
    running = Provider(
        [{**CLIENT, "redirect_uris": [redirect]}, {**OTHER, "redirect_uris": [redirect]}]
    )
    yield running
    running.stop()


def _serve(database, tmp_path, provider, port, **sso):
    config = {"metadata_url": provider.metadata_url, "name": "district",
              "label": "District Google", **CLIENT, **sso}  # fmt: skip
    app = make_app(database, tmp_path, SSO_PROVIDERS=[config], WTF_CSRF_ENABLED=False)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return app, server, thread


@pytest.fixture
def site(database, tmp_path, provider, ports, request):
    marker = request.node.get_closest_marker("sso")
    app, server, thread = _serve(
        database, tmp_path, provider, ports, **(marker.kwargs if marker else {})
    )
    with app.app_context():
        yield app, f"http://127.0.0.1:{ports}"
        _db.session.remove()
    server.shutdown()
    thread.join(5)
    from tests.conftest import _truncate_pg

    if database["backend"] == "postgresql":
        _truncate_pg(app)


def _user(app, email, role="officer", active=True):
    from safetyops.accounts import operations as accounts

    user = accounts.create_user(email=email, name="Pat", role=role, password="long-enough-pw")
    if not active:
        accounts.set_active(user, False)
    _db.session.remove()


def _sso(base, login, tamper=None):
    agent = requests.Session()
    start = agent.get(f"{base}/login/sso/district", allow_redirects=False, timeout=10)
    assert start.status_code == 302 and "code_challenge=" in start.headers["Location"]
    assert "state=" in start.headers["Location"] and "nonce=" in start.headers["Location"]
    at_provider = agent.get(start.headers["Location"], timeout=10)
    if tamper:
        # Stop at the provider's redirect back and change the state we return with.
        agent.max_redirects = 30
        response = _until_callback(agent, at_provider, login)
        return agent, agent.get(tamper(response), allow_redirects=True, timeout=10)
    return agent, sign_in_at_provider(agent, at_provider, login)


def _until_callback(agent, response, login):
    """Walk the provider's forms without following the final redirect to the app."""
    original = agent.post

    def post(url, data=None, **kw):
        return original(url, data=data, **{**kw, "allow_redirects": False})

    for _ in range(6):
        form = re.search(r'<form[^>]*action="([^"]+)"[^>]*method="post"', response.text)
        location = response.headers.get("Location", "")
        if "/callback" in location:
            return location
        if form is None:
            response = agent.get(
                requests.compat.urljoin(response.url, location), allow_redirects=False, timeout=10
            )
            continue
        url = requests.compat.urljoin(response.url, form.group(1).replace("&amp;", "&"))
        data = (
            {"prompt": "login", "login": login, "password": "x"}
            if 'name="login"' in response.text
            else {"prompt": "consent"}
        )
        response = post(url, data=data, timeout=10)
        response.url = url
    raise AssertionError("never came back")


def test_a_known_user_signs_in_and_lands_home(site):
    app, base = site
    _user(app, "pat@district.org")
    agent, landed = _sso(base, "pat@district.org")
    flashes = re.findall(r'class="flash[^"]*"[^>]*>([^<]+)<', landed.text)
    assert landed.url == f"{base}/" and landed.status_code == 200, flashes
    assert "Sign out" in landed.text
    me = agent.get(f"{base}/api/v1/me", timeout=10).json()
    assert me["email"] == "pat@district.org"
    # Signing out ends the local session.
    agent.post(f"{base}/logout", timeout=10)
    assert agent.get(f"{base}/api/v1/me", timeout=10).status_code == 401


def test_a_tampered_state_is_refused(site):
    app, base = site
    _user(app, "pat@district.org")

    def tamper(location):
        parts = urlsplit(location)
        query = parse_qs(parts.query)
        return f"{base}{parts.path}?code={query['code'][0]}&state=forged-{query['state'][0]}"

    agent, landed = _sso(base, "pat@district.org", tamper=tamper)
    assert landed.url.startswith(f"{base}/login")
    assert "could not be completed" in landed.text
    assert agent.get(f"{base}/api/v1/me", timeout=10).status_code == 401


@pytest.mark.sso(allowed_domains=["district.org"])
def test_an_email_outside_the_allowed_domains_is_refused(site):
    app, base = site
    _user(app, "pat@gmail.com")
    agent, landed = _sso(base, "pat@gmail.com")
    assert "Accounts of gmail.com may not sign in here." in landed.text
    assert agent.get(f"{base}/api/v1/me", timeout=10).status_code == 401


def test_an_unknown_user_is_refused_by_default(site):
    app, base = site
    agent, landed = _sso(base, "stranger@district.org")
    assert "No SafetyOps account for stranger@district.org" in landed.text
    from safetyops.accounts.operations import find_user_by_email

    assert find_user_by_email("stranger@district.org") is None


@pytest.mark.sso(create_users=True, new_user_role="viewer")
def test_an_unknown_user_is_created_when_allowed(site):
    app, base = site
    agent, landed = _sso(base, "newcomer@district.org")
    assert landed.url == f"{base}/"
    from safetyops.accounts.operations import find_user_by_email

    created = find_user_by_email("newcomer@district.org")
    assert created is not None and created.role == "viewer"


def test_a_deactivated_user_cannot_enter(site):
    app, base = site
    _user(app, "gone@district.org", active=False)
    agent, landed = _sso(base, "gone@district.org")
    assert "deactivated" in landed.text
    assert agent.get(f"{base}/api/v1/me", timeout=10).status_code == 401


def test_an_id_token_for_another_client_is_refused(site, provider, ports):
    """The provider's ID token for another application (wrong audience) does not pass
    the checks our client runs on every token."""
    from joserfc.errors import ClaimError

    from safetyops.accounts import sso

    agent = requests.Session()
    verifier = "v" * 64
    import base64
    import hashlib

    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    redirect = f"http://127.0.0.1:{ports}/login/sso/district/callback"
    authorize = (
        f"{provider.issuer}/auth?client_id={OTHER['client_id']}&response_type=code&scope=openid%20email"
        f"&redirect_uri={redirect}&state=s&nonce=n&code_challenge={challenge}&code_challenge_method=S256"
    )
    location = _until_callback(agent, agent.get(authorize, timeout=10), "pat@district.org")
    code = parse_qs(urlsplit(location).query)["code"][0]
    token = requests.post(
        f"{provider.issuer}/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
              "code_verifier": verifier},
        auth=(OTHER["client_id"], OTHER["client_secret"]), timeout=10,
    ).json()  # fmt: skip
    assert "id_token" in token
    app, _base = site
    with app.test_request_context(), pytest.raises(ClaimError):  # aud: another client
        sso.client("district").parse_id_token(token, nonce="n")


def test_password_sign_in_can_be_for_safety_admins_only(database, tmp_path):
    app = make_app(database, tmp_path, PASSWORD_SIGNIN=False, WTF_CSRF_ENABLED=False)
    with app.app_context():
        _user(app, "officer@district.org", role="officer")
        _user(app, "admin@district.org", role="safety_admin")
        http = app.test_client()
        refused = http.post(
            "/login", data={"email": "officer@district.org", "password": "long-enough-pw"}
        )
        assert refused.status_code == 200 and "sign-in button" in refused.get_data(as_text=True)
        allowed = http.post(
            "/login", data={"email": "admin@district.org", "password": "long-enough-pw"}
        )
        assert allowed.status_code == 302
        _db.session.remove()
    if database["backend"] == "postgresql":
        from tests.conftest import _truncate_pg

        _truncate_pg(app)
