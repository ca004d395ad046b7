"""API: a campus's drill requirements."""

from __future__ import annotations

from datetime import date

from flask import jsonify, request
from flask_login import current_user

from safetyops.api.blueprint import bp
from safetyops.compliance import queries as compliance
from safetyops.core import dates
from safetyops.core.access import allow, campus_for, json_error
from safetyops.core.db import utcnow
from safetyops.core.timefmt import campus_today


@bp.route("/campuses/<code>/compliance")
@allow()
def campus_compliance(code: str):
    """Requirements of the school year containing ``as_of`` (default: today at the campus)."""
    campus = campus_for(current_user, code)
    as_of = campus_today(campus)
    if "as_of" in request.args:
        try:
            as_of = date.fromisoformat(request.args["as_of"])
        except ValueError:
            return json_error(400, "as_of must be a date: YYYY-MM-DD", field="as_of")
        if not dates.in_range(as_of, utcnow().date()):
            return json_error(400, "as_of " + dates.range_message(utcnow().date()), field="as_of")
    return jsonify(compliance.as_json(compliance.for_campus(campus, as_of), as_of))
