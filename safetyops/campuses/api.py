"""API: campuses and their checkpoints."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from safetyops.api.blueprint import bp
from safetyops.api.contract import api
from safetyops.api.serializers import campus_json, checkpoint_json
from safetyops.campuses.models import Checkpoint
from safetyops.campuses.schemas import CampusOut, CheckpointOut
from safetyops.core.access import allow, campus_for, visible_campuses
from safetyops.extensions import db


@api(bp, "/campuses", summary="Campuses the caller may see", responses={200: [CampusOut]})
@allow()
def campuses():
    return jsonify([campus_json(c) for c in db.session.scalars(visible_campuses(current_user))])


@api(bp, "/campuses/<code>", summary="One campus", responses={200: CampusOut})
@allow()
def campus(code: str):
    return jsonify(campus_json(campus_for(current_user, code)))


@api(bp, "/campuses/<code>/checkpoints", summary="Active checkpoints in walking order",
     responses={200: [CheckpointOut]})  # fmt: skip
@allow()
def checkpoints(code: str):
    campus = campus_for(current_user, code)
    rows = db.session.scalars(
        select(Checkpoint)
        .where(Checkpoint.campus_id == campus.id, Checkpoint.active.is_(True))
        .order_by(Checkpoint.walk_order, Checkpoint.id)
    )
    return jsonify([checkpoint_json(cp) for cp in rows])
