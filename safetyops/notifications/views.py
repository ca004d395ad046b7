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
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField

from safetyops.audit import operations as audit
from safetyops.core import i18n
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
    # Pages, emails and notifications in this language; "" follows the browser.
    locale = SelectField(_l("Language"), choices=[], validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [("", _("The browser's language")), *i18n.language_choices()]


@bp.route("/notifications")
@allow()
def index():
    locale = str(get_locale())
    items = [(n, notifications.text_of(n, locale)) for n in notifications.for_user(current_user)]
    return render_template("notifications/index.html", items=items)


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
    form = PreferenceForm(
        email_preference=current_user.email_preference, locale=current_user.locale or ""
    )
    if form.validate_on_submit():
        changes = {}
        if current_user.email_preference != form.email_preference.data:
            changes["email_preference"] = [
                current_user.email_preference,
                form.email_preference.data,
            ]
        locale = form.locale.data or None
        if current_user.locale != locale:
            changes["locale"] = [current_user.locale, locale]
        current_user.email_preference = form.email_preference.data
        current_user.locale = locale
        if changes:
            audit.record("update", "user", current_user.id, changes)
        db.session.commit()
        refresh()  # the flash and the next page in the newly chosen language
        flash(_("Saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template(
        "form_page.html", form=form, title=_("Language and notifications"),
        cancel_url=url_for("notifications.index"),
    )  # fmt: skip


# ---- planned drills and the feed -------------------------------------------------------------
