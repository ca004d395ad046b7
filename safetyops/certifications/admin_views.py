"""Safety-department pages: security firms (contacts, contract, campuses, officers) and the
list of certification kinds."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from safetyops.accounts.models import User
from safetyops.campuses.models import Campus
from safetyops.certifications import operations, queries
from safetyops.certifications.domain import firm_contract_active
from safetyops.certifications.forms import FirmForm, KindForm, LinkOfficerForm
from safetyops.certifications.models import CERTIFIED_ROLES, CertificationKind, SecurityFirm
from safetyops.certifications.views import bp
from safetyops.core.access import admin_only
from safetyops.core.errors import ValidationFailed
from safetyops.core.forms import ButtonForm, apply_errors, choices
from safetyops.core.submissions import once_per_submission
from safetyops.extensions import db


def _campus_choices():
    campuses = db.session.scalars(
        select(Campus).where(Campus.active.is_(True)).order_by(Campus.name)
    )
    return choices([(c.code, f"{c.name} ({c.code})") for c in campuses])


@bp.route("/admin/firms")
@admin_only
def firms():
    today = queries.today()
    rows = [
        (firm, firm_contract_active(firm.contract_start, firm.contract_end, today))
        for firm in queries.firms()
    ]
    return render_template("certifications/firms.html", rows=rows)


@bp.route("/admin/firms/new", methods=["GET", "POST"])
@admin_only
@once_per_submission
def firm_new():
    form = FirmForm()
    form.campus_codes.choices = _campus_choices()
    if form.validate_on_submit():
        try:
            firm = operations.create_firm(form.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Firm %(name)s added.", name=firm.name), "success")
            return redirect(url_for("certifications.firm", firm_id=firm.id))
    return render_template(
        "form_page.html",
        form=form,
        title=_("New security firm"),
        cancel_url=url_for("certifications.firms"),
    )


@bp.route("/admin/firms/<int:firm_id>")
@admin_only
def firm(firm_id: int):
    firm = db.get_or_404(SecurityFirm, firm_id)
    officers = operations.officers_of(firm)
    link_form = LinkOfficerForm()
    candidates = db.session.scalars(
        select(User)
        .where(
            User.role.in_([r.value for r in CERTIFIED_ROLES]),
            User.active.is_(True),
            (User.employer_id != firm.employer_id) | User.employer_id.is_(None),
        )
        .order_by(User.name)
    )
    link_form.officer_id.choices = choices([(u.id, f"{u.name} <{u.email}>") for u in candidates])
    rows = queries.officer_rows(current_user, queries.today(), officer_ids=[o.id for o in officers])
    return render_template(
        "certifications/firm.html",
        firm=firm,
        rows=rows,
        link_form=link_form,
        button=ButtonForm(),
        active=firm_contract_active(firm.contract_start, firm.contract_end, queries.today()),
    )


@bp.route("/admin/firms/<int:firm_id>/edit", methods=["GET", "POST"])
@admin_only
@once_per_submission
def firm_edit(firm_id: int):
    firm = db.get_or_404(SecurityFirm, firm_id)
    form = FirmForm(obj=firm)
    form.campus_codes.choices = _campus_choices()
    if request.method == "GET":
        form.name.data = firm.name
        form.campus_codes.data = [c.code for c in firm.campuses]
    if form.validate_on_submit():
        try:
            operations.update_firm(firm, form.data)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            flash(_("Firm saved."), "success")
            return redirect(url_for("certifications.firm", firm_id=firm.id))
    return render_template(
        "form_page.html",
        form=form,
        title=_("Edit %(name)s", name=firm.name),
        cancel_url=url_for("certifications.firm", firm_id=firm.id),
    )


@bp.route("/admin/firms/<int:firm_id>/officers", methods=["POST"])
@admin_only
def firm_link(firm_id: int):
    firm = db.get_or_404(SecurityFirm, firm_id)
    form = LinkOfficerForm()
    user = db.session.get(User, form.officer_id.data or 0) if form.validate_on_submit() else None
    if user is None:
        flash(_("Choose an officer."), "error")
    else:
        try:
            operations.link_officer(firm, user)
        except ValidationFailed as exc:
            flash(" ".join(exc.errors.values()), "error")
        else:
            flash(_("%(name)s now works for %(firm)s.", name=user.name, firm=firm.name), "success")
    return redirect(url_for("certifications.firm", firm_id=firm.id))


@bp.route("/admin/firms/<int:firm_id>/officers/<int:user_id>/remove", methods=["POST"])
@admin_only
def firm_unlink(firm_id: int, user_id: int):
    firm = db.get_or_404(SecurityFirm, firm_id)
    user = db.get_or_404(User, user_id)
    if operations.unlink_officer(firm, user):
        flash(
            _("%(name)s no longer works for %(firm)s.", name=user.name, firm=firm.name), "success"
        )
    return redirect(url_for("certifications.firm", firm_id=firm.id))


# ---- kinds of certification ------------------------------------------------------------------


@bp.route("/admin/certification-kinds", methods=["GET", "POST"])
@admin_only
@once_per_submission
def kinds():
    form = KindForm()
    status = 200
    if form.validate_on_submit():
        try:
            operations.add_kind(form.name.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc)
            status = 400
        else:
            flash(_("Kind added."), "success")
            return redirect(url_for("certifications.kinds"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "certifications/kinds.html", form=form, kinds=queries.all_kinds(), button=ButtonForm()
    ), status


@bp.route("/admin/certification-kinds/<int:kind_id>/active", methods=["POST"])
@admin_only
def kind_active(kind_id: int):
    kind = db.get_or_404(CertificationKind, kind_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    operations.set_kind_active(kind, request.form.get("active") == "1")
    return redirect(url_for("certifications.kinds"))
