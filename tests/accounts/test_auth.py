"""Signing in: hashing, lockout, throttling, safe redirects, password change, cookies."""

from datetime import timedelta

import pytest

from safetyops.accounts.models import User
from safetyops.core.db import utcnow
from tests.conftest import PASSWORD


def test_passwords_are_stored_as_argon2id(make_user):
    user = make_user("officer")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_login_success_and_wrong_password_keeps_email(client, make_user):
    user = make_user("officer")
    bad = client.post("/login", {"email": user.email, "password": "nope-nope-nope"})
    assert bad.status_code == 200
    page = bad.get_data(as_text=True)
    assert "Email or password is not right." in page
    assert f'value="{user.email}"' in page
    ok = client.post("/login", {"email": user.email.upper(), "password": PASSWORD})
    assert ok.status_code == 302 and ok.location == "/"


def test_unknown_email_gets_the_same_message(client, make_user):
    response = client.post("/login", {"email": "ghost@example.test", "password": "whatever-123"})
    assert "Email or password is not right." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/campuses/", "/campuses/"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_next_redirects_only_to_local_paths(client, make_user, target, expected):
    user = make_user("officer")
    response = client.post("/login", {"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.location == expected


def test_lockout_after_repeated_failures(app, client, make_user, db):
    user = make_user("officer")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", {"email": user.email, "password": "wrong-password"})
    locked = client.post("/login", {"email": user.email, "password": PASSWORD})
    assert locked.status_code == 200
    assert "Too many failed attempts" in locked.get_data(as_text=True)
    db.session.refresh(user)
    assert user.locked_until is not None
    # once the lock expires the right password works again
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 302


@pytest.mark.config(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
def test_login_posts_are_throttled_per_address(client, make_user):
    statuses = [
        client.post("/login", {"email": "x@example.test", "password": "wrong-password"}).status_code
        for _ in range(4)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429


def test_deactivated_user_cannot_sign_in_and_is_signed_out(client, make_user):
    from safetyops.accounts.operations import set_active

    user = make_user("officer")
    client.login(user)
    assert client.get("/").status_code == 200
    set_active(user, False)
    assert client.get("/").status_code == 302  # the session no longer loads
    response = client.post("/login", {"email": user.email, "password": PASSWORD})
    assert "deactivated" in response.get_data(as_text=True)


def test_password_change_signs_out_other_devices(make_client, make_user, db):
    user = make_user("principal")
    laptop, tablet = make_client(), make_client()
    laptop.login(user)
    tablet.login(user)
    bad = laptop.post(
        "/account/password",
        {
            "current_password": "not-it-at-all",
            "new_password": "a-new-long-password",
            "confirm": "a-new-long-password",
        },
    )
    assert "This is not your current password." in bad.get_data(as_text=True)
    ok = laptop.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a-new-long-password",
            "confirm": "a-new-long-password",
        },
    )
    assert ok.status_code == 302
    assert laptop.get("/").status_code == 200  # this device stays signed in
    assert tablet.get("/").status_code == 302  # the other is signed out
    assert laptop.logout().status_code == 302
    laptop.login(user, password="a-new-long-password")


def test_logout_needs_post(client, make_user):
    client.login(make_user("officer"))
    assert client.get("/logout").status_code == 405
    client.logout()
    assert client.get("/").status_code == 302


def test_session_cookie_flags(client, make_user):
    user = make_user("officer")
    response = client.post("/login", {"email": user.email, "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_config_marks_cookies_secure_and_refuses_defaults(monkeypatch):
    from safetyops import create_app
    from safetyops.config import ConfigError

    with pytest.raises(ConfigError):
        create_app({"ENV_NAME": "production", "DATABASE_URL": "sqlite://"})
    app = create_app(
        {"ENV_NAME": "production", "DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 40}
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_production_refuses_the_demo_password_at_login(app, client, make_user, db):
    from safetyops.config import DEMO_PASSWORD

    user = make_user("officer", password=DEMO_PASSWORD)
    app.config["ENV_NAME"] = "production"
    response = client.post("/login", {"email": user.email, "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert "demo password" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).failed_logins == 0


@pytest.mark.config(
    RATELIMIT_ENABLED=True,
    LOGIN_RATE_LIMIT="100 per minute",
    LOGIN_ACCOUNT_RATE_LIMIT="3 per minute",
)
def test_login_posts_are_throttled_per_account_across_addresses(client, make_user):
    """Guesses at one account spread over many addresses still meet a limit; another
    account from the same addresses is not held back by it."""

    def attempt(email: str, address: str) -> int:
        return client.post(
            "/login",
            {"email": email, "password": "wrong-password"},
            environ_base={"REMOTE_ADDR": address},
        ).status_code

    statuses = [attempt(" Target@Example.test", f"10.0.0.{n}") for n in range(1, 5)]
    assert statuses == [200, 200, 200, 429]
    assert attempt("someone-else@example.test", "10.0.0.9") == 200
