"""Home: one page, with the sections that matter to the signed-in role."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from safetyops.access import allow, public
from safetyops.models import Role
from safetyops.services import overview

bp = Blueprint("main", __name__)


@bp.route("/")
@allow()
def home():
    role = Role(current_user.role)
    context = {"role": role, "summaries": overview.campus_summaries(current_user)}
    if role in (Role.SAFETY_ADMIN, Role.VIEWER):
        context["district"] = overview.district_counts()
    return render_template(f"main/home_{role.value}.html", **context)


@bp.route("/healthz")
@public
def healthz():
    return {"status": "ok"}
