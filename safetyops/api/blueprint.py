"""The API blueprint and its JSON error handlers.

Authenticated by session (with CSRF header) or ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

from flask import Blueprint

from safetyops.core.access import json_error
from safetyops.core.errors import NotAllowed, ValidationFailed
from safetyops.rounds.operations import Conflict

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(ValidationFailed)
def _validation_failed(exc: ValidationFailed):
    field, message = next(iter(exc.errors.items()))
    return json_error(400, f"{field} {message}", field=field, errors=exc.errors)


@bp.errorhandler(Conflict)
def _conflict(exc: Conflict):
    return json_error(409, str(exc))


@bp.errorhandler(NotAllowed)
def _forbidden(exc: NotAllowed):
    # Only this domain exception: a disk error (PermissionError is an OSError) stays a 500.
    return json_error(403, str(exc) or "not allowed")
