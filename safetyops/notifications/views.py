"""Notification centre and preferences; planned drills and the campus calendar feed."""

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
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField

from safetyops.access import allow, campus_for, public, require_campus_access
from safetyops.drills.forms import PLANNERS, TYPE_LABELS, PlanForm, type_choices
from safetyops.extensions import db
from safetyops.forms import apply_errors, choices
from safetyops.models import DrillPlan, EmailPreference
from safetyops.redirects import is_local_path
from safetyops.services import audit, feeds, notifications
from safetyops.services.drills import drill_types
from safetyops.services.errors import ValidationFailed
from safetyops.timefmt import campus_today

bp = Blueprint("notifications", __name__)


class PreferenceForm(FlaskForm):
    email_preference = RadioField(
        _l("Email me"),
        choices=choices(
            [
                (EmailPreference.EACH.value, _l("Each notification as it happens")),
                (EmailPreference.DIGEST.value, _l("One daily digest")),
                (EmailPreference.NONE.value, _l("No email: in the app only")),
            ]
        ),
    )


@bp.route("/notifications")
@allow()
def index():
    return render_template("notifications/index.html", items=notifications.for_user(current_user))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@allow()
def read(notification_id: int):
    notifications.mark_read(current_user, notification_id)
    target = request.form.get("next")
    return redirect(target if is_local_path(target) else url_for("notifications.index"))


@bp.route("/notifications/read-all", methods=["POST"])
@allow()
def read_all():
    count = notifications.mark_read(current_user)
    flash(_("%(n)d marked read.", n=count), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@allow()
def preferences():
    form = PreferenceForm(email_preference=current_user.email_preference)
    if form.validate_on_submit():
        before = current_user.email_preference
        current_user.email_preference = form.email_preference.data
        if before != form.email_preference.data:
            audit.record(
                "update", "user", current_user.id,
                {"email_preference": [before, form.email_preference.data]},
            )  # fmt: skip
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template(
        "admin/form.html", form=form, title=_("How you are notified"),
        cancel_url=url_for("notifications.index"),
    )  # fmt: skip


# ---- planned drills and the feed -------------------------------------------------------------


@bp.route("/campuses/<code>/drill-plans", methods=["POST"])
@allow(*PLANNERS)
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
    url = url_for("notifications.feed", token=token, _external=True)
    return render_template("notifications/feed_created.html", campus=campus, url=url)


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
