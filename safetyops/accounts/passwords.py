"""Password hashing with argon2id (memory-hard), parameters from the app config."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


# Accounts that never sign in with a password (roster staff use the district's single
# sign-on) keep this prefix and a random tail: never an argon2 hash ("$argon2id$..."), so no
# password matches it, and making one costs no argon2 work (a roster of thousands of staff
# spent most of its import hashing secrets nobody would ever type; issue 16).
UNUSABLE_PREFIX = "!"


def unusable_password_hash() -> str:
    return UNUSABLE_PREFIX + secrets.token_urlsafe(24)


def verify_password(password_hash: str, password: str) -> bool:
    if password_hash.startswith(UNUSABLE_PREFIX):
        dummy_verify(password)  # as long as a real account takes: no hint which kind it is
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


# A fixed hash to verify against when the email is unknown, so a login attempt takes the
# same time whether or not the account exists: one verification, like a real account (the
# hash is made once per set of parameters, not on every attempt, which doubled the time).
_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


def dummy_verify(password: str) -> None:
    cfg = current_app.config
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hash_password("not-a-real-password")
    verify_password(_DUMMY_HASHES[key], password)
