"""Sessions end on the server at sign-out; lockout and the sign-in throttle hold under
parallel guesses and across several web workers."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid

import pytest
from sqlalchemy import func, select

from safetyops.accounts import operations as accounts
from safetyops.audit.models import AuditEvent
from safetyops.config import ConfigError, check_rate_limit_store
from tests.conftest import PASSWORD


def _session_cookie(client) -> str:
    cookie = client.http.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_a_cookie_copied_before_sign_out_no_longer_works(app, client, make_user):
    user = make_user("officer")
    client.login(user)
    stolen = _session_cookie(client)
    assert client.get("/api/v1/me").status_code == 200
    client.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/api/v1/me").status_code == 401
    assert thief.get("/").status_code == 302  # to the sign-in page


def test_signing_out_one_device_keeps_the_other_signed_in(make_client, make_user):
    user = make_user("officer")
    tablet, laptop = make_client(), make_client()
    tablet.login(user)
    laptop.login(user)
    tablet.logout()
    assert tablet.get("/api/v1/me").status_code == 401
    assert laptop.get("/api/v1/me").status_code == 200


def test_parallel_wrong_guesses_check_at_most_the_policy(app, make_user, db):
    user = make_user("officer")
    email, limit = user.email, app.config["LOGIN_MAX_FAILURES"]
    barrier, messages = threading.Barrier(20), []

    def guess():
        barrier.wait()
        with app.app_context():
            messages.append(accounts.authenticate(email, "wrong-password").error)

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = [m for m in messages if m == "Email or password is not right."]
    refused = [m for m in messages if m.startswith("Too many failed attempts")]
    assert len(checked) == limit and len(refused) == 20 - limit
    lockouts = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "lockout")
    )
    assert lockouts == 1
    # Locked: even the right password is refused now.
    assert accounts.authenticate(user.email, PASSWORD).user is None


def test_a_success_resets_the_failure_count(app, make_user, db):
    user = make_user("officer")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        accounts.authenticate(user.email, "wrong-password")
    assert accounts.authenticate(user.email, PASSWORD).user is not None
    db.session.refresh(user)
    assert user.failed_logins == 0 and user.locked_until is None


WORKER = """
import json, sys
from safetyops import create_app
app = create_app(json.loads(sys.argv[1]))
app.config["WTF_CSRF_ENABLED"] = False
http = app.test_client()
form = {"email": "x@example.test", "password": "wrong-pass"}
print(json.dumps([http.post("/login", data=form).status_code for _ in range(4)]))
"""


def _worker(config: dict) -> list[int]:
    """One web worker: its own process, so a memory store would be its own."""
    done = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", WORKER, json.dumps(config)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("store", ["redis://127.0.0.1:6379/0", "memory://"])
def test_the_throttle_is_shared_by_workers_only_through_redis(app, store):
    config = {
        "ENV_NAME": "testing",
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": app.config["DATABASE_URL"],
        "INSTANCE_PATH": app.instance_path,
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": "5 per minute",
        "RATELIMIT_STORAGE_URI": store,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    first, second = _worker(config), _worker(config)
    assert first == [200] * 4
    if store.startswith("redis"):
        assert second == [200, 429, 429, 429]  # 5 per minute across both workers
    else:
        assert second == [200] * 4  # why production refuses memory:// with several workers


@pytest.mark.parametrize(
    ("store", "workers", "refused"),
    [
        ("memory://", 5, True),
        ("memory://", 1, False),
        ("redis://127.0.0.1:6379/0", 5, False),
    ],
)
def test_deploy_check_refuses_a_memory_store_with_several_workers(store, workers, refused):
    config = {"RATELIMIT_STORAGE_URI": store}
    if refused:
        with pytest.raises(ConfigError, match="shared"):
            check_rate_limit_store(config, workers)
    else:
        check_rate_limit_store(config, workers)


def test_the_documented_storage_url_variable_reaches_the_limiter(monkeypatch):
    from safetyops import create_app

    monkeypatch.setenv("SAFETYOPS_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/3")
    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
