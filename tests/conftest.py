"""Shared fixtures: an app per test on a fresh database (SQLite, and PostgreSQL when
SAFETYOPS_TEST_DATABASE_URL is set), clients, login helpers and factories.

Under CI=true a missing PostgreSQL is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from safetyops import create_app
from safetyops.extensions import db as _db

PG_URL = os.environ.get("SAFETYOPS_TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
PASSWORD = "correct horse battery"  # noqa: S105 - test accounts only

TEST_CONFIG = {
    "ENV_NAME": "testing",
    "SECRET_KEY": "test-secret",
}


pytest_plugins = ["tests.browser"]


def pytest_sessionstart(session):
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI=true but SAFETYOPS_TEST_DATABASE_URL is not set")


def pytest_collection_modifyitems(config, items):
    """Tests marked postgresql_only run on the PostgreSQL backend only: their SQLite
    variants are deselected (not skipped), so CI's no-skip rule still holds."""
    dropped = [
        item
        for item in items
        if item.get_closest_marker("postgresql_only") and "[postgresql" not in item.nodeid
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


def pytest_xdist_make_scheduler(config, log):
    """Under ``make test`` (pytest-xdist, ``--dist loadscope``) each backend's tests stay on
    one worker: only one process drops and migrates the PostgreSQL test database, and a
    backend's module-wide servers start once. The fault tests (throwaway PostgreSQL
    clusters, gunicorn under load) join the SQLite worker, the lighter one: one at a time,
    never beside each other. Tests without a database go to whichever worker is free.
    (xdist's own ``xdist_group`` marks are not honoured under pytest 9.)"""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByBackend(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return worker_scope(nodeid) or super()._split_scope(nodeid)

    return ByBackend(config, log)


def worker_scope(nodeid: str) -> str | None:
    """The backend a test runs on, from its id (``test_x[sqlite-...]``), "sqlite" for the
    fault tests; None: a test without a database."""
    if nodeid.startswith("tests/faults/"):
        return "sqlite"
    params = nodeid.partition("[")[2].rstrip("]").split("-")
    return next((b for b in ("sqlite", "postgresql") if b in params), None)


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    with app.app_context():
        upgrade()
        _db.engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database(request, tmp_path_factory):
    """A migrated database per backend, made once per session."""
    if request.param == "sqlite":
        template = tmp_path_factory.mktemp("db") / "template.db"
        _migrate(f"sqlite:///{template}")
        yield {"backend": "sqlite", "template": template}
    else:
        engine = sa.create_engine(_pg(PG_URL))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(PG_URL)
        yield {"backend": "postgresql", "url": PG_URL}


def _pg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _truncate_pg(app) -> None:
    with app.app_context():
        _db.session.remove()
        tables = [t.name for t in _db.metadata.sorted_tables]
        with _db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
                )
            )
        _db.engine.dispose()


def make_app(database, tmp_path: Path, **overrides):
    if database["backend"] == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(database["template"], path)
        url = f"sqlite:///{path}"
    else:
        url = database["url"]
    config = {**TEST_CONFIG, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path)}
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(request, database, tmp_path):
    marker = request.node.get_closest_marker("config")
    overrides = marker.kwargs if marker else {}
    app = make_app(database, tmp_path, **overrides)
    app.test_client_class = _IsolatedClient
    ctx = app.app_context()
    ctx.push()
    yield app
    _db.session.remove()
    ctx.pop()
    app.extensions["result_fast_lane"].dispose()
    if database["backend"] == "postgresql":
        _truncate_pg(app)
    else:
        with app.app_context():
            _db.engine.dispose()


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free local port; ``smtp.inbox`` is what arrived."""
    from tests.smtp import SMTPServer

    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ---- clients and login ---------------------------------------------------------------

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class _IsolatedClient(FlaskClient):
    """Each request gets its own app context (fresh ``g`` and DB session), as in production,
    instead of sharing the one the test holds open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class Client:
    """A test client that fetches and sends the CSRF token like a browser would."""

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()

    def csrf_token(self) -> str:
        page = self.http.get("/login", follow_redirects=True).get_data(as_text=True)
        match = CSRF_META.search(page)
        assert match, "no CSRF token on the login page"
        return match.group(1)

    def get(self, url, **kw):
        return self.http.get(url, **kw)

    def post(self, url, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf_token())
        return self.http.post(url, data=data, **kw)

    def post_json(self, url, payload, csrf=True, headers=None, **kw):
        headers = dict(headers or {})
        if csrf:
            headers["X-CSRFToken"] = self.csrf_token()
        return self.http.post(url, json=payload, headers=headers, **kw)

    def login(self, user_or_email, password=PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        response = self.post("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def client(app):
    return Client(app)


@pytest.fixture
def make_client(app):
    return lambda: Client(app)


# ---- factories -------------------------------------------------------------------------


@pytest.fixture
def make_campus(app):
    from safetyops.campuses import operations as campuses

    counter = {"n": 0}

    def make(code=None, name=None, timezone="America/Denver", checkpoints=0, **kw):
        counter["n"] += 1
        code = code or f"C{counter['n']:02d}"
        campus = campuses.create_campus(
            {"code": code, "name": name or f"Campus {code}", "timezone": timezone, **kw}
        )
        for i in range(checkpoints):
            campuses.create_checkpoint(
                campus,
                {"name": f"Door {i + 1}", "kind": "exterior_door", "walk_order": (i + 1) * 10},
            )
        return campus

    return make


@pytest.fixture
def make_user(app):
    from safetyops.accounts import operations as accounts

    counter = {"n": 0}

    def make(role="officer", campuses=(), email=None, name=None, password=PASSWORD):
        counter["n"] += 1
        return accounts.create_user(
            email=email or f"{role}{counter['n']}@example.test",
            name=name or f"{role.title()} {counter['n']}",
            role=role,
            password=password,
            campuses=list(campuses),
        )

    return make


@pytest.fixture
def two_campuses(make_campus, make_user):
    """Campus A with an officer and a principal; campus B with its own officer."""
    a = make_campus("AAA", checkpoints=3)
    b = make_campus("BBB", checkpoints=2)
    return {
        "a": a,
        "b": b,
        "officer_a": make_user("officer", [a]),
        "principal_a": make_user("principal", [a]),
        "supervisor_a": make_user("supervisor", [a]),
        "officer_b": make_user("officer", [b]),
        "admin": make_user("safety_admin"),
        "viewer": make_user("viewer"),
    }


@pytest.fixture
def plan(two_campuses):
    from safetyops.rounds.operations import save_plan

    campus = two_campuses["a"]
    return save_plan(
        campus,
        {
            "name": "Morning doors",
            "kind": "exterior_door_check",
            "weekdays": [1, 2, 3, 4, 5],
            "windows": "06:45-07:30",
            "school_days_only": True,
            "grace_minutes": 15,
            "checkpoint_ids": [cp.id for cp in campus.checkpoints],
        },
    )


# ---- parallel submissions ---------------------------------------------------------------


@pytest.fixture
def token_for(app):
    """An API token for a user; token requests skip CSRF, so pages can be posted in parallel."""
    from safetyops.accounts import tokens

    def make(user) -> dict:
        _record, secret = tokens.create_token(user, "parallel test")
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def parallel(app):
    """Send ``n`` identical requests at once (threads released together by a barrier);
    returns their status codes."""
    import threading

    def run(method: str, url: str, n: int = 10, **kw) -> list[int]:
        barrier, statuses = threading.Barrier(n), []

        def send():
            http = app.test_client()
            barrier.wait()
            with app.app_context():
                statuses.append(http.open(url, method=method, **kw).status_code)

        threads = [threading.Thread(target=send) for _ in range(n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return statuses

    return run
