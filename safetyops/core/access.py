"""Authorization, in one place.

Every view declares who may use it with ``@allow(...)`` or ``@public``; ``enforce_access``
runs before every request and refuses any endpoint that declared nothing (deny by
default). Campus scoping also lives here: ``campus_for(user, code)`` is the only way views
turn a campus code from a URL into a Campus, and it answers 404 for campuses the user may
not see, so another campus's data is indistinguishable from a missing one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, current_app, g, jsonify, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import Select, bindparam, select

from safetyops.accounts.models import Role, User, user_campus
from safetyops.campuses.models import Campus
from safetyops.extensions import csrf, db

PUBLIC = "public"
ALL_ROLES = frozenset(Role)
# Endpoints Flask or extensions add; they declare nothing themselves.
BUILTIN_PUBLIC_ENDPOINTS = frozenset({"static"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def allow(*roles: Role | str) -> Callable:
    """Let signed-in users with one of ``roles`` use the view (no roles: any signed-in user)."""
    allowed = frozenset(Role(r) for r in roles) or ALL_ROLES

    def mark(view: Callable) -> Callable:
        view.access_rule = allowed  # type: ignore[attr-defined]  # read by enforce_access
        return view

    return mark


def admin_only(view: Callable) -> Callable:
    """Only the safety department (district administrators)."""
    return allow(Role.SAFETY_ADMIN)(view)


def public(view: Callable) -> Callable:
    """Anyone may use the view, signed in or not (login page, health check, static)."""
    view.access_rule = PUBLIC  # type: ignore[attr-defined]  # read by enforce_access
    return view


def access_rule_for(endpoint: str) -> frozenset | str | None:
    if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def may_use(user: User | None, endpoint: str) -> bool:
    """Whether ``user`` may open ``endpoint``, from its declared rule: templates ask this
    (``may('drills.new')``) instead of testing roles themselves."""
    rule = access_rule_for(endpoint)
    if rule == PUBLIC:
        return True
    return user is not None and rule is not None and Role(user.role) in rule


def wants_json() -> bool:
    return request.path.startswith("/api/") or bool(g.get("token_auth"))


def enforce_access():
    """before_request: CSRF for unsafe methods, then the endpoint's declared rule."""
    if request.endpoint is None:
        return None  # routing will answer 404/405
    signed_in = current_user.is_authenticated  # loads the session or the Bearer token
    if request.method in UNSAFE_METHODS and not g.get("token_auth"):
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return json_error(401, "invalid or revoked API token")
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
    rule = access_rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s declares no access rule", request.endpoint)
        abort(403)
    if rule == PUBLIC:
        return None
    if not signed_in:
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return json_error(401, "invalid or revoked API token")
        if wants_json():
            return json_error(401, "authentication required")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if Role(current_user.role) not in rule:
        abort(403)
    return None


def json_error(status: int, message: str, **extra):
    response = jsonify({"error": message, **extra})
    response.status_code = status
    return response


# ---- campus scoping ---------------------------------------------------------------


def visible_campuses(user: User, include_inactive: bool = False) -> Select:
    """A query of the campuses ``user`` may see, by name."""
    query = select(Campus).order_by(Campus.name)
    if not include_inactive:
        query = query.where(Campus.active.is_(True))
    if not user.sees_all_campuses:
        query = query.join(user_campus, user_campus.c.campus_id == Campus.id).where(
            user_campus.c.user_id == user.id
        )
    return query


def visible_campus_ids(user: User) -> set[int] | None:
    """Campus ids the user may see, or None for district-wide roles (all of them)."""
    if user.sees_all_campuses:
        return None
    rows = db.session.execute(_campus_ids_query(), {"user_id": user.id})
    return {row[0] for row in rows}


@functools.cache
def _campus_ids_query() -> Select:
    """Built once per process: most requests run it (issue 16's profile)."""
    return select(user_campus.c.campus_id).where(user_campus.c.user_id == bindparam("user_id"))


def can_see_campus(user: User, campus_id: int) -> bool:
    ids = visible_campus_ids(user)
    return ids is None or campus_id in ids


def campus_for(user: User, code: str, include_inactive: bool = False) -> Campus:
    """The campus with ``code`` if ``user`` may see it; 404 otherwise (pages and API)."""
    campus = db.session.scalar(visible_campuses(user, include_inactive).where(Campus.code == code))
    if campus is None:
        abort(404)
    g.campus_id = campus.id  # for the request's log lines
    return campus


def require_campus_access(user: User, campus_id: int) -> None:
    """404 unless ``user`` may see the campus (for objects reached by their own id)."""
    if not can_see_campus(user, campus_id):
        abort(404)
    g.campus_id = campus_id  # for the request's log lines
