"""Friendly error pages for people, JSON error bodies for the API."""

from __future__ import annotations

import contextlib

from flask import Flask, g, render_template
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from safetyops.core.access import json_error, wants_json
from safetyops.extensions import db


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _("The form expired or was sent from elsewhere. Go back, reload and try again.")
        if wants_json():
            return json_error(400, "CSRF token missing or invalid")
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        field = getattr(error, "field", None)
        if wants_json():
            custom = error.description != type(error).description
            extra = {"field": field} if field else {}
            message = error.description if custom and error.description else error.name.lower()
            return json_error(code, message, **extra)
        messages = {
            403: _("You do not have access to this page."),
            404: _("We could not find that page. It may have moved, or you may not have access."),
            405: _("That action is not available here."),
            413: _("That file is too large."),
            429: _("Too many attempts. Wait a minute and try again."),
        }
        message = messages.get(code, error.description or error.name)
        return render_template("errors/error.html", code=code, message=message), code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if database_unavailable(error):
            return unavailable(error)
        _rollback_quietly()
        app.logger.exception("unhandled error")
        if wants_json():
            return json_error(500, "internal error; nothing was saved")
        message = _("Something went wrong on our side. Nothing you entered was half-saved.")
        try:
            return render_template("errors/error.html", code=500, message=message), 500
        except Exception:  # noqa: BLE001 - the page itself needs the database: a bare one
            return render_template("errors/unavailable.html", code=500, message=message), 500

    def unavailable(error: Exception):
        """The database is down or restarting: 503 with Retry-After, never a stack trace.
        The page needs no database (no signed-in header), so it renders during the outage."""
        g.database_down = True
        g._login_user = AnonymousUserMixin()  # Flask-Login would load the user from the DB
        _rollback_quietly()
        app.logger.warning("database unavailable: %s", error.__class__.__name__)
        seconds = str(app.config.get("RETRY_AFTER_SECONDS", 30))
        if wants_json():
            response = json_error(503, "the database is unavailable; try again shortly")
        else:
            message = _("SafetyOps is briefly unavailable. Nothing was lost; try again shortly.")
            page = render_template("errors/unavailable.html", code=503, message=message)
            response = app.make_response((page, 503))
        response.headers["Retry-After"] = seconds
        return response


def database_unavailable(error: BaseException) -> bool:
    """Lost or refused database connections (not bad SQL or constraint violations)."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def _rollback_quietly() -> None:
    with contextlib.suppress(Exception):  # the connection may already be gone
        db.session.rollback()
