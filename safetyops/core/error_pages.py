"""Friendly error pages for people, JSON error bodies for the API."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
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
        if wants_json():
            custom = error.description != type(error).description
            return json_error(code, error.description if custom else error.name.lower())
        messages = {
            403: _("You do not have access to this page."),
            404: _("We could not find that page. It may have moved, or you may not have access."),
            405: _("That action is not available here."),
            413: _("That file is too large."),
            429: _("Too many attempts. Wait a minute and try again."),
        }
        message = messages.get(code, error.description)
        return render_template("errors/error.html", code=code, message=message), code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        app.logger.exception("unhandled error")
        if wants_json():
            return json_error(500, "internal error; nothing was saved")
        message = _("Something went wrong on our side. Nothing you entered was half-saved.")
        return render_template("errors/error.html", code=500, message=message), 500
