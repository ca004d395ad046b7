"""Personal API tokens: created once (shown once), stored hashed, revocable."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import Select, bindparam, select, update

from safetyops.accounts.models import ApiToken, User
from safetyops.audit import operations as audit
from safetyops.core.db import utcnow
from safetyops.extensions import db

TOKEN_PREFIX = "sop_"  # noqa: S105 - a prefix, not a secret
# Record use at most this often so API calls are not all writes.
LAST_USE_RECORDED_EVERY = timedelta(minutes=5)


def digest(token: str) -> str:
    """What is stored of a token (never the token itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=secret[:10], token_hash=digest(secret))
    db.session.add(token)
    db.session.flush()
    audit.record(
        "create", "api_token", token.id, {"user": [None, user.email], "name": [None, name]}
    )
    db.session.commit()
    return token, secret


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            "revoke", "api_token", token.id, {"user": [token.user.email, token.user.email]}
        )
        db.session.commit()


def user_for_token(secret: str) -> User | None:
    """The active owner of an unrevoked token, in one query (this runs on every API call)."""
    row = db.session.execute(_token_query(), {"digest": digest(secret)}).first()
    if row is None:
        return None
    user, token_id, last_used_at = row
    now = utcnow()
    if last_used_at is None or now - last_used_at > LAST_USE_RECORDED_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        db.session.commit()
    return user


@functools.cache
def _token_query() -> Select:
    """Built once per process (every API call runs it)."""
    return (
        select(User, ApiToken.id, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == bindparam("digest"),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    )


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
        )
    )
