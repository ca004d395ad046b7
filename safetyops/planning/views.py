"""Planned drills and the campus's private calendar feed."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from safetyops.core.access import allow, campus_for, public, require_campus_access
from safetyops.core.errors import ValidationFailed
from safetyops.core.forms import apply_errors
from safetyops.core.submissions import once_per_submission
from safetyops.core.timefmt import campus_today
from safetyops.drills.forms import TYPE_LABELS, type_choices
from safetyops.drills.operations import drill_types
from safetyops.extensions import db
from safetyops.planning import operations as feeds
from safetyops.planning.forms import PLANNERS, PlanForm
from safetyops.planning.models import DrillPlan

bp = Blueprint("planning", __name__)


@bp.route("/campuses/<code>/drill-plans", methods=["POST"])
@allow(*PLANNERS)
@once_per_submission
def plan_new(code: str):
    campus = campus_for(current_user, code)
    form = PlanForm()
    form.drill_type.choices = type_choices(drill_types())
    if form.validate_on_submit():
        try:
            feeds.plan_drill(campus, form.data, current_user)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Drill planned."), "success")
            return redirect(url_for("compliance.campus", code=campus.code))
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")
    return redirect(url_for("compliance.campus", code=campus.code))


@bp.route("/drill-plans/<int:plan_id>/cancel", methods=["POST"])
@allow(*PLANNERS)
def plan_cancel(plan_id: int):
    plan = db.get_or_404(DrillPlan, plan_id)
    require_campus_access(current_user, plan.campus_id)
    feeds.cancel_plan(plan)
    flash(_("Plan cancelled."), "success")
    return redirect(url_for("compliance.campus", code=plan.campus.code))


@bp.route("/campuses/<code>/calendar-feed", methods=["POST"])
@allow(*PLANNERS)
def feed_new(code: str):
    """Make (or replace) the campus's feed URL and show it once."""
    campus = campus_for(current_user, code)
    if request.form.get("revoke"):
        feeds.revoke_feed(campus)
        flash(_("The calendar feed is turned off; the old link no longer works."), "success")
        return redirect(url_for("compliance.campus", code=campus.code))
    token = feeds.new_feed_token(campus, current_user)
    url = url_for("planning.feed", token=token, _external=True)
    return render_template("planning/feed_created.html", campus=campus, url=url)


@bp.route("/feeds/<token>.ics")
@public
def feed(token: str):
    campus = feeds.campus_for_token(token)
    if campus is None:
        abort(404)
    body = feeds.ical(
        campus, campus_today(campus), TYPE_LABELS, current_app.config["BASE_URL"].rstrip("/")
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'inline; filename="{campus.code}-drills.ics"'},
    )
