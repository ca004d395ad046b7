"""Staff accounts: creating and changing users, signing in with lockout, passwords."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import email_validator
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from safetyops.accounts.models import Employer, Role, User
from safetyops.accounts.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from safetyops.accounts.sessions import end_all_sessions
from safetyops.audit import operations as audit
from safetyops.campuses.models import Campus
from safetyops.config import DEMO_PASSWORD
from safetyops.core.db import utcnow
from safetyops.core.errors import ValidationFailed
from safetyops.core.transitions import transition
from safetyops.extensions import db

AUDITED_FIELDS = ["email", "name", "role", "employer_id", "active", "campus_codes"]


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def check_password_strength(password: str, field: str = "password") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ValidationFailed({field: _("Use at least %(n)d characters.", n=minimum)})
    if current_app.config.get("ENV_NAME") == "production" and password == DEMO_PASSWORD:
        raise ValidationFailed({field: _("The demo password cannot be used in production.")})


def _user_snapshot(user: User, campus_codes: Iterable[str] | None = None) -> dict:
    """What the audit trail keeps of a user; ``campus_codes`` for one not loaded with its
    campuses (made in a batch)."""
    snap = audit.snapshot(user, ["email", "name", "role", "employer_id", "active"])
    codes = (c.code for c in user.campuses) if campus_codes is None else campus_codes
    snap["campus_codes"] = sorted(codes)
    return snap


def creation_changes(user: User, campus_codes: Iterable[str]) -> dict:
    """What ``create_user`` records, for a user made in a batch (``core.db.new_rows``, its
    defaults filled in) with these campuses."""
    return audit.diff({}, _user_snapshot(user, campus_codes))


EMAIL_MAX = 254
# Districts run internal mail on Active Directory ``.local`` domains, and the demo and the
# tests use ``.local`` and ``.test``: accept those special-use names (syntax still checked).
email_validator.SPECIAL_USE_DOMAIN_NAMES[:] = [
    name for name in email_validator.SPECIAL_USE_DOMAIN_NAMES if name not in ("local", "test")
]


def normalise_email(email: object) -> str:
    """A deliverable-looking address, lower-cased; raises ValidationFailed on ``email``.

    email-validator checks the syntax only (no DNS lookup: deployments may be offline)."""
    if not isinstance(email, str) or not email.strip():
        raise ValidationFailed({"email": _("Enter an email address.")})
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationFailed({"email": _("This is not a valid email address.")}) from None
    normalised = checked.normalized.lower()
    if len(normalised) > EMAIL_MAX:
        raise ValidationFailed({"email": _("At most %(n)d characters.", n=EMAIL_MAX)})
    return normalised


def _validate(email: str, role: str, exclude_id: int | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if role not in {r.value for r in Role}:
        errors["role"] = _("Unknown role.")
    try:
        email = normalise_email(email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        return errors
    existing = find_user_by_email(email)
    if existing is not None and existing.id != exclude_id:
        errors["email"] = _("A user with this email already exists.")
    return errors


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    employer: Employer | None = None,
    campuses: list[Campus] | None = None,
    commit: bool = True,
) -> User:
    errors = _validate(email, role)
    try:
        check_password_strength(password)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        employer=employer,
        password_hash=hash_password(password),
        password_is_demo=is_demo_password(password),
        campuses=list(campuses or []),
    )
    db.session.add(user)
    db.session.flush()
    audit.record("create", "user", user.id, audit.diff({}, _user_snapshot(user)))
    if commit:
        db.session.commit()
    return user


def update_user(
    user: User,
    *,
    email: str,
    name: str,
    role: str,
    employer: Employer | None,
    campuses: list[Campus],
    password: str | None = None,
) -> User:
    """Change a user's profile (and, if given, password) all at once: everything is
    validated before anything is written, and one commit saves it all."""
    errors = _validate(email, role, exclude_id=user.id)
    if password:
        try:
            check_password_strength(password)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    before = _user_snapshot(user)
    user.email = normalise_email(email)
    user.name = name.strip()
    user.role = role
    user.employer = employer
    user.campuses = list(campuses)
    changes = audit.diff(before, _user_snapshot(user))
    if changes:
        if "role" in changes:
            end_all_sessions(user)  # a new role starts a new session
        audit.record("update", "user", user.id, changes)
    if password:
        _apply_password(user, password)
    db.session.commit()
    return user


def set_active(user: User, active: bool) -> None:
    if not transition(user, User.active.is_(not active), active=active):
        return  # already so: a double click, or another administrator first
    end_all_sessions(user)
    if not active:
        for token in user.tokens:
            token.revoked_at = token.revoked_at or utcnow()
    audit.record(
        "reactivate" if active else "deactivate", "user", user.id, {"active": [not active, active]}
    )
    db.session.commit()


def set_password(user: User, new_password: str) -> None:
    check_password_strength(new_password, "new_password")
    _apply_password(user, new_password)
    db.session.commit()


def _apply_password(user: User, new_password: str) -> None:
    """A new password ends every session and any lock; the caller commits."""
    user.password_hash = hash_password(new_password)
    user.password_is_demo = is_demo_password(new_password)
    user.password_changed_at = utcnow()
    end_all_sessions(user)
    user.failed_logins = 0
    user.locked_until = None
    audit.record("password_change", "user", user.id)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailed({"current_password": _("This is not your current password.")})
    if current_password == new_password:
        raise ValidationFailed({"new_password": _("Choose a password you have not used here.")})
    set_password(user, new_password)


@dataclass
class SignInResult:
    user: User | None
    error: str | None = None


def authenticate(email: str, password: str, now: datetime | None = None) -> SignInResult:
    """Check a sign-in; count failures and lock the account for a while after too many.

    Each attempt first claims a slot with one conditional UPDATE (the database serialises
    them), so however many guesses arrive at once, at most LOGIN_MAX_FAILURES passwords are
    checked before the lock: parallel guesses cannot outrun the counter.
    """
    now = now or utcnow()
    cfg = current_app.config
    limit, minutes = cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_LOCKOUT_MINUTES"]
    wrong = _("Email or password is not right.")
    user = find_user_by_email(email)
    if user is None:
        dummy_verify(password)
        return SignInResult(None, wrong)
    attempt = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.locked_until.is_(None), User.locked_until <= now),
            User.failed_logins < limit,
        )
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar()
    db.session.commit()
    if attempt is None:  # locked, or the last allowed attempts are being checked right now
        db.session.refresh(user)
        until = user.locked_until if user.locked_until and user.locked_until > now else None
        left = (until - now).total_seconds() // 60 + 1 if until else minutes
        return SignInResult(
            None, _("Too many failed attempts. Try again in %(n)d minutes.", n=max(1, int(left)))
        )
    if not verify_password(user.password_hash, password):
        if attempt >= limit:
            locked = db.session.execute(
                update(User)
                .where(User.id == user.id, User.failed_logins >= limit)
                .values(locked_until=now + timedelta(minutes=minutes), failed_logins=0)
                .returning(User.id)
                .execution_options(synchronize_session=False)
            ).first()
            if locked is not None:
                audit.record("lockout", "user", user.id, actor_id=user.id)
            db.session.commit()
        return SignInResult(None, wrong)
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(user)
    if not user.active:
        return SignInResult(None, _("This account is deactivated. Ask your safety department."))
    if cfg.get("ENV_NAME") == "production" and password == DEMO_PASSWORD:
        return SignInResult(None, _("The demo password is refused in production."))
    if user.password_is_demo is None:
        user.password_is_demo = is_demo_password(password)
        db.session.commit()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return SignInResult(user)


def get_or_create_employer(name: str, kind: str) -> Employer:
    employer = db.session.scalar(select(Employer).where(Employer.name == name))
    if employer is None:
        employer = Employer(name=name, kind=kind)
        db.session.add(employer)
        db.session.flush()
        audit.record(
            "create", "employer", employer.id, {"name": [None, name], "kind": [None, kind]}
        )
    return employer


def is_demo_password(password: str) -> bool:
    return hmac.compare_digest(password.encode(), DEMO_PASSWORD.encode())


def users_with_demo_password() -> list[User]:
    """Active users whose password is still the demo one (refused in production).

    Whether a password is the demo one is noted when it is set (a plain comparison), so
    ``check-deploy`` costs one query; argon2 runs only for accounts whose password predates
    that note (``password_is_demo`` is NULL), once, and the answer is kept.
    """
    active = User.active.is_(True)
    unknown = db.session.scalars(select(User).where(active, User.password_is_demo.is_(None))).all()
    for user in unknown:
        user.password_is_demo = verify_password(user.password_hash, DEMO_PASSWORD)
    if unknown:
        db.session.commit()
    return list(db.session.scalars(select(User).where(active, User.password_is_demo.is_(True))))


def rename_employer(employer: Employer, name: str) -> None:
    """A new name for an employer (a security firm renamed); the caller commits."""
    name = name.strip()
    if not name or len(name) > 120:
        raise ValidationFailed({"name": _("Enter a name of at most 120 characters.")})
    taken = db.session.scalar(select(Employer).where(Employer.name == name))
    if taken is not None and taken.id != employer.id:
        raise ValidationFailed({"name": _("An employer with this name already exists.")})
    if employer.name != name:
        audit.record("update", "employer", employer.id, {"name": [employer.name, name]})
        employer.name = name


def set_employer(user: User, employer: Employer | None) -> bool:
    """Change who employs ``user`` (an officer joins or leaves a security firm); the
    caller commits. False if nothing changed."""
    if user.employer_id == (employer.id if employer else None):
        return False
    audit.record(
        "update",
        "user",
        user.id,
        {"employer_id": [user.employer_id, employer.id if employer else None]},
    )
    user.employer = employer
    return True
