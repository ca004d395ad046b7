"""Safety-department pages: campuses, checkpoints, users and the audit trail."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from safetyops.accounts.models import Role, User
from safetyops.campuses import operations as campuses
from safetyops.campuses.forms import CampusForm, CheckpointForm
from safetyops.campuses.models import Campus, Checkpoint
from safetyops.campuses.views import bp
from safetyops.core.access import admin_only
from safetyops.core.errors import ValidationFailed
from safetyops.core.forms import ButtonForm, apply_errors, choices
from safetyops.core.submissions import once_per_submission
from safetyops.extensions import db


def _campus_or_404(code: str) -> Campus:
    campus = db.session.scalar(select(Campus).where(Campus.code == code))
    if campus is None:
        abort(404)
    return campus


def _principal_choices() -> list[tuple[int, str]]:
    principals = db.session.scalars(
        select(User).where(User.role == Role.PRINCIPAL, User.active.is_(True)).order_by(User.name)
    )
    return choices([(0, _("(none)"))] + [(u.id, f"{u.name} <{u.email}>") for u in principals])


# ---- campuses ----------------------------------------------------------------------


@bp.route("/admin/campuses")
@admin_only
def admin_index():
    rows = db.session.scalars(select(Campus).order_by(Campus.active.desc(), Campus.name))
    return render_template("campuses/admin_index.html", campuses=list(rows), button=ButtonForm())


@bp.route("/admin/campuses/new", methods=["GET", "POST"])
@admin_only
@once_per_submission
def new():
    form = CampusForm()
    form.principal_id.choices = _principal_choices()
    if form.validate_on_submit():
        try:
            campus = campuses.create_campus(form.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Campus %(name)s created.", name=campus.name), "success")
            return redirect(url_for("campuses.checkpoints", code=campus.code))
    return render_template("form_page.html", form=form, title=_("New campus"))


@bp.route("/admin/campuses/<code>/edit", methods=["GET", "POST"])
@admin_only
@once_per_submission
def edit(code: str):
    campus = _campus_or_404(code)
    form = CampusForm(obj=campus)
    form.principal_id.choices = _principal_choices()
    if request.method == "GET":
        form.principal_id.data = campus.principal_id or 0
    if form.validate_on_submit():
        try:
            campuses.update_campus(campus, form.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Campus saved."), "success")
            return redirect(url_for("campuses.admin_index"))
    return render_template("form_page.html", form=form, title=_("Edit %(name)s", name=campus.name))


@bp.route("/admin/campuses/<code>/active", methods=["POST"])
@admin_only
def set_active(code: str):
    campus = _campus_or_404(code)
    activate = request.form.get("active") == "1"
    campuses.set_campus_active(campus, activate)
    flash(_("Campus reactivated.") if activate else _("Campus deactivated."), "success")
    return redirect(url_for("campuses.admin_index"))


# ---- checkpoints ------------------------------------------------------------------


@bp.route("/admin/campuses/<code>/checkpoints")
@admin_only
def checkpoints(code: str):
    campus = _campus_or_404(code)
    return render_template("campuses/checkpoints.html", campus=campus, button=ButtonForm())


@bp.route("/admin/campuses/<code>/checkpoints/new", methods=["GET", "POST"])
@admin_only
@once_per_submission
def checkpoint_new(code: str):
    campus = _campus_or_404(code)
    form = CheckpointForm()
    if request.method == "GET":
        form.walk_order.data = (max((c.walk_order for c in campus.checkpoints), default=0)) + 10
    if form.validate_on_submit():
        try:
            campuses.create_checkpoint(campus, form.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Checkpoint added."), "success")
            return redirect(url_for("campuses.checkpoints", code=campus.code))
    return render_template(
        "form_page.html", form=form, title=_("New checkpoint at %(name)s", name=campus.name)
    )


@bp.route("/admin/checkpoints/<int:checkpoint_id>/edit", methods=["GET", "POST"])
@admin_only
@once_per_submission
def checkpoint_edit(checkpoint_id: int):
    checkpoint = db.get_or_404(Checkpoint, checkpoint_id)
    form = CheckpointForm(obj=checkpoint)
    if form.validate_on_submit():
        try:
            campuses.update_checkpoint(checkpoint, form.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Checkpoint saved."), "success")
            return redirect(url_for("campuses.checkpoints", code=checkpoint.campus.code))
    return render_template(
        "form_page.html", form=form, title=_("Edit %(name)s", name=checkpoint.name)
    )


@bp.route("/admin/checkpoints/<int:checkpoint_id>/active", methods=["POST"])
@admin_only
def checkpoint_active(checkpoint_id: int):
    checkpoint = db.get_or_404(Checkpoint, checkpoint_id)
    campuses.set_checkpoint_active(checkpoint, request.form.get("active") == "1")
    return redirect(url_for("campuses.checkpoints", code=checkpoint.campus.code))


# ---- users -------------------------------------------------------------------------


# ---- audit trail ------------------------------------------------------------------
