"""API: a campus's drill requirements."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from safetyops.api.blueprint import bp
from safetyops.api.contract import api
from safetyops.compliance import queries as compliance
from safetyops.compliance.schemas import ComplianceOut, ComplianceQuery
from safetyops.core import dates
from safetyops.core.access import allow, campus_for
from safetyops.core.db import utcnow
from safetyops.core.errors import ValidationFailed
from safetyops.core.timefmt import campus_today


@api(bp, "/campuses/<code>/compliance", query=ComplianceQuery, responses={200: ComplianceOut},
     summary="Requirements of the school year containing as_of (default: today there)")  # fmt: skip
@allow()
def campus_compliance(code: str, query: ComplianceQuery):
    campus = campus_for(current_user, code)
    as_of = query.as_of or campus_today(campus)
    if not dates.in_range(as_of, utcnow().date()):
        raise ValidationFailed({"as_of": dates.range_message(utcnow().date())})
    return jsonify(compliance.as_json(compliance.for_campus(campus, as_of), as_of))
