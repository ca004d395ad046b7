"""API: the caller, campuses, checkpoints and compliance."""

from __future__ import annotations

from datetime import date

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import select

from safetyops.access import allow, campus_for, json_error, visible_campuses
from safetyops.api.blueprint import bp
from safetyops.api.serializers import campus_json, checkpoint_json, user_json
from safetyops.extensions import db
from safetyops.models import Checkpoint
from safetyops.services import compliance
from safetyops.timefmt import campus_today


@bp.route("/me")
@allow()
def me():
    return jsonify(user_json(current_user))


@bp.route("/campuses")
@allow()
def campuses():
    return jsonify([campus_json(c) for c in db.session.scalars(visible_campuses(current_user))])


@bp.route("/campuses/<code>")
@allow()
def campus(code: str):
    return jsonify(campus_json(campus_for(current_user, code)))


@bp.route("/campuses/<code>/checkpoints")
@allow()
def checkpoints(code: str):
    campus = campus_for(current_user, code)
    rows = db.session.scalars(
        select(Checkpoint)
        .where(Checkpoint.campus_id == campus.id, Checkpoint.active.is_(True))
        .order_by(Checkpoint.walk_order, Checkpoint.id)
    )
    return jsonify([checkpoint_json(cp) for cp in rows])


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
    return jsonify(compliance.as_json(compliance.for_campus(campus, as_of), as_of))
