"""check-deploy's demo-password check: noted when a password is set, so a start costs one
query instead of an argon2 verification per user (about 56 s with 400 users)."""

from __future__ import annotations

import sqlalchemy as sa

from safetyops.accounts import operations as accounts
from safetyops.accounts import passwords
from safetyops.accounts.models import User
from safetyops.config import DEMO_PASSWORD


def _count_verifications(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = passwords.verify_password

    def counting(password_hash: str, password: str) -> bool:
        calls.append(1)
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "verify_password", counting)
    return calls


def test_the_note_is_taken_when_the_password_is_set(db, make_user):
    demo = make_user(password=DEMO_PASSWORD)
    other = make_user()
    assert demo.password_is_demo is True
    assert other.password_is_demo is False
    accounts.set_password(demo, "a much better passphrase")
    assert demo.password_is_demo is False


def test_check_deploy_needs_no_argon2_for_known_passwords(db, make_user, monkeypatch):
    demo = make_user(password=DEMO_PASSWORD)
    for _ in range(5):
        make_user()
    calls = _count_verifications(monkeypatch)
    assert [u.email for u in accounts.users_with_demo_password()] == [demo.email]
    assert calls == []


def test_passwords_set_before_the_note_are_checked_once(db, make_user, monkeypatch):
    demo = make_user(password=DEMO_PASSWORD)
    make_user()
    # As after the migration: the note is unknown for existing accounts.
    db.session.execute(sa.update(User).values(password_is_demo=None))
    db.session.commit()
    calls = _count_verifications(monkeypatch)
    assert [u.email for u in accounts.users_with_demo_password()] == [demo.email]
    assert len(calls) == 2
    assert [u.email for u in accounts.users_with_demo_password()] == [demo.email]
    assert len(calls) == 2  # remembered: no second verification


def test_signing_in_notes_an_unknown_password(app, db, make_user):
    from tests.conftest import PASSWORD

    user = make_user()
    db.session.execute(sa.update(User).values(password_is_demo=None))
    db.session.commit()
    with app.test_request_context():
        result = accounts.authenticate(user.email, PASSWORD)
    assert result.user is not None
    db.session.refresh(user)
    assert user.password_is_demo is False
