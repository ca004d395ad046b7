"""Browser test fixtures (a pytest plugin loaded by conftest.py): Debian's Chromium driven
by Playwright against a real server thread. Browser tests carry ``pytest.mark.browser``.

Under CI=true a missing Chromium fails the run instead of skipping.
"""

from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI, make_app

CHROMIUM = "/usr/bin/chromium"
TABLET = {"width": 820, "height": 1180}


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if IN_CI:
        raise pytest.UsageError(f"CI=true but {CHROMIUM} is missing; browser tests cannot run")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=TABLET)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def live_server(tmp_path):
    """The app with the demo district on SQLite, served on a free local port."""
    from safetyops.demo.district import load_demo
    from safetyops.extensions import db

    database = {"backend": "sqlite", "template": _demo_template(tmp_path)}
    app = make_app(database, tmp_path)
    with app.app_context():
        load_demo()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def _demo_template(tmp_path):
    from tests.conftest import _migrate

    path = tmp_path / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


def sign_in(page, base_url, email, password="safetyops-demo"):  # noqa: S107
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
