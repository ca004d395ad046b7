"""Signed-in sessions, one row per browser sign-in: the cookie holds a random secret and
the database holds its digest, so signing out ends that session on the server (a cookie
copied before sign-out no longer works), and a password change, deactivation or role
change ends every session of the user."""

from __future__ import annotations

import functools
import hashlib
import secrets

from sqlalchemy import Select, bindparam, select, update

from safetyops.accounts.models import User, UserSession
from safetyops.core.db import utcnow
from safetyops.extensions import db


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(user: User) -> str:
    """A new session for ``user``; returns the secret to keep in the session cookie."""
    secret = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_digest(secret)))
    db.session.commit()
    user.session_secret = secret
    return secret


def user_for_session(secret: str) -> User | None:
    """The active user of a live session (Flask-Login's user loader)."""
    if not secret or len(secret) > 128:
        return None
    user = db.session.scalar(_session_query(), {"digest": _digest(secret)})
    if user is None or not user.active:
        return None
    user.session_secret = secret
    return user


@functools.cache
def _session_query() -> Select:
    """Built once per process: every signed-in request runs it."""
    return (
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == bindparam("digest"), UserSession.ended_at.is_(None))
    )


def end_session(secret: str | None) -> None:
    """Sign-out: this session stops working everywhere, at once."""
    if not secret:
        return
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _digest(secret), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    db.session.commit()


def end_all_sessions(user: User) -> None:
    """Every session of the user ends (the caller commits with its own change)."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
