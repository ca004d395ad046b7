"""A live demo server for the offline browser tests that counts the requests reaching it,
so a test can prove a page came from the service worker and not from the network."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from tests.browser import _demo_template
from tests.conftest import make_app


class Counter:
    """Counts requests; while ``offline`` it answers 503 to whatever still gets through.

    Playwright's ``context.set_offline`` cuts the pages' network but not the service
    worker's own requests (its update checks, Background Sync): those reach this server,
    which then behaves like an unreachable one behind a proxy."""

    def __init__(self, app):
        self.app = app
        self.paths: list[str] = []
        self.offline = False
        self.while_offline: list[str] = []

    def __call__(self, environ, start_response):
        path = environ.get("REQUEST_METHOD", "") + " " + environ.get("PATH_INFO", "")
        self.paths.append(path)
        if self.offline:
            self.while_offline.append(path)
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"offline"]
        return self.app(environ, start_response)

    def writes_while_offline(self) -> list[str]:
        return [p for p in self.while_offline if not p.startswith("GET ")]


@pytest.fixture
def demo_server(tmp_path):
    """(base url, app, counter): the demo district on SQLite on a free local port."""
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
