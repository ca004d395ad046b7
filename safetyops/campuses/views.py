"""Campus pages: the list of campuses a user may see and one campus with its checkpoints."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from safetyops.certifications import queries as certifications
from safetyops.core.access import allow, campus_for
from safetyops.home import queries as overview

bp = Blueprint("campuses", __name__)


@bp.route("/campuses/")
@allow()
def index():
    return render_template("campuses/index.html", summaries=overview.campus_summaries(current_user))


@bp.route("/campuses/<code>")
@allow()
def detail(code: str):
    campus = campus_for(current_user, code)
    checkpoints = [cp for cp in campus.checkpoints if cp.active]
    # The officers assigned here, flagged when a certification has expired.
    officers = certifications.officer_rows(current_user, certifications.today(), campus=campus)
    return render_template(
        "campuses/detail.html", campus=campus, checkpoints=checkpoints, officers=officers
    )
