"""Notification centre and preferences; planned drills and the campus calendar feed."""

from __future__ import annotations

from flask import (
    Blueprint,
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

from safetyops.audit import operations as audit
from safetyops.core.access import allow
from safetyops.core.forms import choices
from safetyops.core.redirects import is_local_path
from safetyops.extensions import db
from safetyops.notifications import operations as notifications
from safetyops.notifications.models import EmailPreference

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
    return redirect(target if target and is_local_path(target) else url_for("notifications.index"))


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
        "form_page.html", form=form, title=_("How you are notified"),
        cancel_url=url_for("notifications.index"),
    )  # fmt: skip


# ---- planned drills and the feed -------------------------------------------------------------
