"""API: the caller."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from safetyops.accounts.schemas import UserOut
from safetyops.api.blueprint import bp
from safetyops.api.contract import api
from safetyops.api.serializers import user_json
from safetyops.core.access import allow


@api(bp, "/me", summary="The caller: id, email, name, role, campuses", responses={200: UserOut})
@allow()
def me():
    return jsonify(user_json(current_user))
