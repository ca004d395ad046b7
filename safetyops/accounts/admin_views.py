"""Safety-department pages: staff accounts (create, edit, deactivate)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from safetyops.accounts import operations as accounts
from safetyops.accounts.admin_forms import UserForm
from safetyops.accounts.models import Employer, User
from safetyops.accounts.views import bp
from safetyops.campuses.models import Campus
from safetyops.certifications import queries as certifications
from safetyops.core.access import admin_only
from safetyops.core.errors import ValidationFailed
from safetyops.core.forms import ButtonForm, apply_errors, choices
from safetyops.core.submissions import once_per_submission
from safetyops.extensions import db


def _fill_user_choices(form: UserForm) -> None:
    employers = db.session.scalars(select(Employer).order_by(Employer.name))
    form.employer_id.choices = choices([(0, _("(none)"))] + [(e.id, e.name) for e in employers])
    all_campuses = db.session.scalars(
        select(Campus).where(Campus.active.is_(True)).order_by(Campus.name)
    )
    form.campus_ids.choices = choices([(c.id, f"{c.name} ({c.code})") for c in all_campuses])


def _user_fields(form: UserForm) -> dict:
    employer = db.session.get(Employer, form.employer_id.data) if form.employer_id.data else None
    chosen = form.campus_ids.data or []
    campus_list = list(db.session.scalars(select(Campus).where(Campus.id.in_(chosen))))
    return {
        "email": form.email.data,
        "name": form.name.data,
        "role": form.role.data,
        "employer": employer,
        "campuses": campus_list,
    }


@bp.route("/admin/users")
@admin_only
def users():
    rows = db.session.scalars(select(User).order_by(User.active.desc(), User.role, User.name))
    # Officers' assignments carry a flag when a certification has expired or expires soon.
    flags = certifications.officer_flags(certifications.today())
    return render_template(
        "accounts/users.html", users=list(rows), button=ButtonForm(), cert_flags=flags
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_only
@once_per_submission
def user_new():
    form = UserForm()
    _fill_user_choices(form)
    if form.validate_on_submit():
        try:
            if not form.password.data:
                raise ValidationFailed({"password": _("A new user needs an initial password.")})
            accounts.create_user(password=form.password.data, **_user_fields(form))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("User created."), "success")
            return redirect(url_for("accounts.users"))
    return render_template("form_page.html", form=form, title=_("New user"))


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_only
@once_per_submission
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    _fill_user_choices(form)
    if request.method == "GET":
        form.employer_id.data = user.employer_id or 0
        form.campus_ids.data = [c.id for c in user.campuses]
    if form.validate_on_submit():
        try:
            accounts.update_user(user, **_user_fields(form), password=form.password.data or None)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("User saved."), "success")
            return redirect(url_for("accounts.users"))
    return render_template("form_page.html", form=form, title=_("Edit %(name)s", name=user.name))


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@admin_only
def user_active(user_id: int):
    user = db.get_or_404(User, user_id)
    activate = request.form.get("active") == "1"
    accounts.set_active(user, activate)
    flash(_("User reactivated.") if activate else _("User deactivated."), "success")
    return redirect(url_for("accounts.users"))
