"""The API blueprint and its JSON error handlers.

Authenticated by session (with CSRF header) or ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

from flask import Blueprint

from safetyops.core.access import json_error
from safetyops.core.errors import ValidationFailed
from safetyops.rounds.operations import Conflict

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(ValidationFailed)
def _validation_failed(exc: ValidationFailed):
    field, message = next(iter(exc.errors.items()))
    return json_error(400, f"{field} {message}", field=field, errors=exc.errors)


@bp.errorhandler(Conflict)
def _conflict(exc: Conflict):
    return json_error(409, str(exc))


@bp.errorhandler(PermissionError)
def _forbidden(exc: PermissionError):
    return json_error(403, "only the officer walking this round can change it")
