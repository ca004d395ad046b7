"""API: the caller, campuses, checkpoints and compliance."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from safetyops.api.blueprint import bp
from safetyops.api.serializers import campus_json, checkpoint_json
from safetyops.campuses.models import Checkpoint
from safetyops.core.access import allow, campus_for, visible_campuses
from safetyops.extensions import db


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
