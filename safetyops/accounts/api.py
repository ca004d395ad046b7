"""API: the caller."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from safetyops.api.blueprint import bp
from safetyops.api.serializers import user_json
from safetyops.core.access import allow


@bp.route("/me")
@allow()
def me():
    return jsonify(user_json(current_user))
