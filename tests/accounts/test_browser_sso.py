"""In Chromium: the demo principal clicks "Sign in with District Google" on the login page,
passes the (local, real) OpenID Connect provider's sign-in form, and lands on their home."""

from __future__ import annotations

import socket
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.browser import _demo_template
from tests.conftest import make_app
from tests.oidc.fixture import Provider

pytestmark = pytest.mark.browser
CLIENT = {"client_id": "safetyops", "client_secret": "s3cret-for-tests"}


@pytest.fixture
def sso_site(tmp_path):
    from safetyops.demo.district import load_demo
    from safetyops.extensions import db

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    provider = Provider([{**CLIENT, "redirect_uris": [f"{base}/login/sso/district/callback"]}])
    settings = {"name": "district", "label": "District Google",
                "metadata_url": provider.metadata_url, **CLIENT}  # fmt: skip
    database = {"backend": "sqlite", "template": _demo_template(tmp_path)}
    app = make_app(database, tmp_path, SSO_PROVIDERS=[settings])
    with app.app_context():
        load_demo()
        db.session.remove()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(5)
    provider.stop()


def test_a_principal_signs_in_with_the_district_account(page, sso_site):
    page.goto(f"{sso_site}/login")
    page.get_by_role("button", name="Sign in with District Google").click()
    # The provider's own sign-in form (its development form takes any password).
    page.fill("input[name=login]", "principal@demo.local")
    page.fill("input[name=password]", "whatever")
    page.click("button[type=submit]")
    page.click("button[type=submit]")  # the provider's consent: continue
    expect(page).to_have_url(f"{sso_site}/")
    expect(page.locator("h1")).to_contain_text("Pat Principal")
