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
    from playwright.sync_api import expect, sync_playwright

    # A page's answer on a loaded 2-core CI machine can pass 5 s (Playwright's default for
    # expect); the contexts' actions already wait 10 s.
    expect.set_options(timeout=10_000)

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


# ---- offline (issue 11) -------------------------------------------------------------


class Counter:
    """Counts requests; while ``offline`` it answers 503 to whatever still gets through.

    Playwright's ``context.set_offline`` cuts the pages' network but not the service
    worker's own requests (its update checks, Background Sync): those reach this server,
    which then behaves like an unreachable one behind a proxy."""

    def __init__(self, app):
        self.app = app
        self.paths: list[str] = []
        self.offline = False
        self.api_down = False  # the API answers 503 (pages still load): entries wait
        self.while_offline: list[str] = []

    def __call__(self, environ, start_response):
        path = environ.get("REQUEST_METHOD", "") + " " + environ.get("PATH_INFO", "")
        self.paths.append(path)
        if self.offline:
            self.while_offline.append(path)
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"offline"]
        if self.api_down and environ.get("PATH_INFO", "").startswith("/api/"):
            start_response("503 Service Unavailable", [("Retry-After", "1")])
            return [b""]
        return self.app(environ, start_response)

    def writes_while_offline(self) -> list[str]:
        return [p for p in self.while_offline if not p.startswith("GET ")]


@pytest.fixture
def demo_server(tmp_path):
    """(base url, app, counter): like ``live_server``, with a ``Counter`` in front, so a
    test can prove a page came from the service worker and cut the worker's network too."""
    from safetyops.demo.district import load_demo
    from safetyops.extensions import db

    app = make_app({"backend": "sqlite", "template": _demo_template(tmp_path)}, tmp_path)
    with app.app_context():
        load_demo()
        db.session.remove()
    counter = Counter(app.wsgi_app)
    app.wsgi_app = counter  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app, counter
    server.shutdown()
    thread.join(5)


def go_offline(context, counter: Counter) -> None:
    context.set_offline(True)
    counter.offline = True


def go_online(context, counter: Counter) -> None:
    counter.offline = False
    context.set_offline(False)
