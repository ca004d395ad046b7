"""Safety-department pages: campuses, checkpoints, users and the audit trail."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from safetyops.access import allow
from safetyops.admin.forms import ButtonForm, CampusForm, CheckpointForm, UserForm
from safetyops.extensions import db
from safetyops.forms import apply_errors, choices
from safetyops.models import AuditEvent, Campus, Checkpoint, Employer, Role, User
from safetyops.services import accounts, campuses
from safetyops.services.errors import ValidationFailed

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = allow(Role.SAFETY_ADMIN)


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


@bp.route("/campuses")
@admin_only
def campuses_list():
    rows = db.session.scalars(select(Campus).order_by(Campus.active.desc(), Campus.name))
    return render_template("admin/campuses.html", campuses=list(rows), button=ButtonForm())


@bp.route("/campuses/new", methods=["GET", "POST"])
@admin_only
def campus_new():
    form = CampusForm()
    form.principal_id.choices = _principal_choices()
    if form.validate_on_submit():
        try:
            campus = campuses.create_campus(form.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Campus %(name)s created.", name=campus.name), "success")
            return redirect(url_for("admin.campus_checkpoints", code=campus.code))
    return render_template("admin/form.html", form=form, title=_("New campus"))


@bp.route("/campuses/<code>/edit", methods=["GET", "POST"])
@admin_only
def campus_edit(code: str):
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
            return redirect(url_for("admin.campuses_list"))
    return render_template("admin/form.html", form=form, title=_("Edit %(name)s", name=campus.name))


@bp.route("/campuses/<code>/active", methods=["POST"])
@admin_only
def campus_active(code: str):
    campus = _campus_or_404(code)
    activate = request.form.get("active") == "1"
    campuses.set_campus_active(campus, activate)
    flash(_("Campus reactivated.") if activate else _("Campus deactivated."), "success")
    return redirect(url_for("admin.campuses_list"))


# ---- checkpoints ------------------------------------------------------------------


@bp.route("/campuses/<code>/checkpoints")
@admin_only
def campus_checkpoints(code: str):
    campus = _campus_or_404(code)
    return render_template("admin/checkpoints.html", campus=campus, button=ButtonForm())


@bp.route("/campuses/<code>/checkpoints/new", methods=["GET", "POST"])
@admin_only
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
            return redirect(url_for("admin.campus_checkpoints", code=campus.code))
    return render_template(
        "admin/form.html", form=form, title=_("New checkpoint at %(name)s", name=campus.name)
    )


@bp.route("/checkpoints/<int:checkpoint_id>/edit", methods=["GET", "POST"])
@admin_only
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
            return redirect(url_for("admin.campus_checkpoints", code=checkpoint.campus.code))
    return render_template(
        "admin/form.html", form=form, title=_("Edit %(name)s", name=checkpoint.name)
    )


@bp.route("/checkpoints/<int:checkpoint_id>/active", methods=["POST"])
@admin_only
def checkpoint_active(checkpoint_id: int):
    checkpoint = db.get_or_404(Checkpoint, checkpoint_id)
    campuses.set_checkpoint_active(checkpoint, request.form.get("active") == "1")
    return redirect(url_for("admin.campus_checkpoints", code=checkpoint.campus.code))


# ---- users -------------------------------------------------------------------------


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


@bp.route("/users")
@admin_only
def users():
    rows = db.session.scalars(select(User).order_by(User.active.desc(), User.role, User.name))
    return render_template("admin/users.html", users=list(rows), button=ButtonForm())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
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
            return redirect(url_for("admin.users"))
    return render_template("admin/form.html", form=form, title=_("New user"))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_only
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    _fill_user_choices(form)
    if request.method == "GET":
        form.employer_id.data = user.employer_id or 0
        form.campus_ids.data = [c.id for c in user.campuses]
    if form.validate_on_submit():
        try:
            accounts.update_user(user, **_user_fields(form))
            if form.password.data:
                accounts.set_password(user, form.password.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("User saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/form.html", form=form, title=_("Edit %(name)s", name=user.name))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_only
def user_active(user_id: int):
    user = db.get_or_404(User, user_id)
    activate = request.form.get("active") == "1"
    accounts.set_active(user, activate)
    flash(_("User reactivated.") if activate else _("User deactivated."), "success")
    return redirect(url_for("admin.users"))


# ---- audit trail ------------------------------------------------------------------


@bp.route("/audit")
@admin_only
def audit():
    page = max(1, request.args.get("page", 1, type=int))
    events = db.paginate(
        select(AuditEvent).order_by(AuditEvent.id.desc()), page=page, per_page=50, error_out=False
    )
    return render_template("admin/audit.html", events=events)
