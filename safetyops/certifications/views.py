"""Certification pages: officers' certificates (their own, or their campuses' officers),
scanned copies, and each campus's staff training roster. Firms and kinds: admin_views.py."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from safetyops.accounts.models import Role, User
from safetyops.calendar.domain import school_year_of
from safetyops.certifications import operations, queries, scans
from safetyops.certifications.forms import (
    PROTOCOL_LABELS,
    STATE_WORDS,
    CertificationForm,
    TrainingForm,
    WithdrawForm,
)
from safetyops.certifications.models import CERTIFIED_ROLES, Certification, TrainingSession
from safetyops.compliance.views import STATUS_WORDS
from safetyops.core.access import (
    allow,
    campus_for,
    may_use,
    require_campus_access,
    visible_campuses,
)
from safetyops.core.errors import ValidationFailed
from safetyops.core.forms import apply_errors, choices
from safetyops.core.submissions import once_per_submission
from safetyops.core.timefmt import campus_today
from safetyops.drills.operations import school_year_bounds
from safetyops.extensions import db

bp = Blueprint("certifications", __name__)
READERS = (Role.OFFICER, Role.SUPERVISOR, Role.SAFETY_ADMIN, Role.VIEWER)
# Who records certificates: an officer their own, supervisors and the safety department
# those of the officers they oversee.
RECORDERS = (Role.OFFICER, Role.SUPERVISOR, Role.SAFETY_ADMIN)
CHECKERS = (Role.SUPERVISOR, Role.SAFETY_ADMIN)
TRAINERS = (Role.SUPERVISOR, Role.PRINCIPAL, Role.SAFETY_ADMIN)


def _officer_or_404(officer_id: int) -> User:
    officer = db.session.get(User, officer_id)
    if (
        officer is None
        or officer.role not in CERTIFIED_ROLES
        or not queries.can_see_officer(current_user, officer.id)
    ):
        abort(404)
    return officer


def _cert_or_404(cert_id: int) -> Certification:
    cert = db.session.get(Certification, cert_id)
    if cert is None or not queries.can_see_officer(current_user, cert.officer_id):
        abort(404)
    return cert


@bp.route("/certifications/")
@allow(*READERS)
def index():
    if current_user.role == Role.OFFICER:
        return redirect(url_for("certifications.officer", officer_id=current_user.id))
    code = (request.args.get("campus") or "").upper()
    campus = campus_for(current_user, code) if code else None
    today = queries.today()
    # District-wide, the list opens on the officers with something to act on (thousands
    # otherwise; their dates are read as plain rows); one campus, or ?all=1, lists everyone.
    flagged_only = campus is None and current_user.sees_all_campuses and not request.args.get("all")
    ids = queries.officer_flags(today) if flagged_only else None
    rows = queries.officer_rows(current_user, today, campus=campus, officer_ids=ids)
    flags = queries.flagged(rows)
    return render_template(
        "certifications/index.html",
        rows=rows,
        flags=flags,
        campus=campus,
        flagged_only=flagged_only,
        campuses=list(db.session.scalars(visible_campuses(current_user))),
        words=STATE_WORDS,
    )


@bp.route("/certifications/officers/<int:officer_id>")
@allow(*READERS)
def officer(officer_id: int):
    person = _officer_or_404(officer_id)
    rows = queries.officer_rows(current_user, queries.today(), officer_ids=[person.id])
    return render_template(
        "certifications/officer.html",
        person=person,
        row=rows[0] if rows else None,
        words=STATE_WORDS,
        can_add=may_use(current_user, "certifications.new"),
        can_withdraw=may_use(current_user, "certifications.withdraw"),
        can_scan=may_use(current_user, "certifications.scan"),
        withdraw_form=WithdrawForm(),
    )


@bp.route("/certifications/officers/<int:officer_id>/new", methods=["GET", "POST"])
@allow(*RECORDERS)
@once_per_submission
def new(officer_id: int):
    person = _officer_or_404(officer_id)
    form = CertificationForm()
    form.kind_id.choices = choices([(k.id, k.name) for k in queries.active_kinds()])
    if form.validate_on_submit():
        upload = form.scan.data
        data = upload.read() if upload and getattr(upload, "filename", "") else None
        try:
            operations.add_certification(person, form.data, data, current_user)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Certification recorded."), "success")
            return redirect(url_for("certifications.officer", officer_id=person.id))
    status = 400 if request.method == "POST" else 200
    return render_template("certifications/new.html", form=form, person=person), status


@bp.route("/certifications/<int:cert_id>/scan")
@allow(*RECORDERS)
def scan(cert_id: int):
    cert = _cert_or_404(cert_id)
    stored = scans.read(cert.scan) if cert.scan else None
    if stored is None:
        abort(404)
    data, mimetype = stored
    return Response(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'inline; filename="{cert.scan}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route("/certifications/<int:cert_id>/withdraw", methods=["POST"])
@allow(*CHECKERS)
def withdraw(cert_id: int):
    cert = _cert_or_404(cert_id)
    form = WithdrawForm()
    try:
        if not form.validate_on_submit():
            raise ValidationFailed({"reason": _("Say why, in at most 500 characters.")})
        if operations.withdraw_certification(cert, form.reason.data or ""):
            flash(_("Certification withdrawn."), "success")
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "error")
    return redirect(url_for("certifications.officer", officer_id=cert.officer_id))


# ---- staff training -----------------------------------------------------------------------


def _training_page(campus, form: TrainingForm, status: int = 200):
    today = campus_today(campus)
    start, end = school_year_bounds(school_year_of(today))
    return render_template(
        "certifications/training.html",
        campus=campus,
        # This school year and the two before it.
        sessions=queries.training_sessions(campus, date(start.year - 2, 7, 1), end),
        requirements=queries.training_requirements(campus, today),
        form=form,
        can_record=may_use(current_user, "certifications.training_new"),
        can_withdraw=may_use(current_user, "certifications.training_withdraw"),
        labels=PROTOCOL_LABELS,
        words=STATUS_WORDS,
        withdraw_form=WithdrawForm(),
        as_of=today,
    ), status


@bp.route("/campuses/<code>/training")
@allow()
def training(code: str):
    campus = campus_for(current_user, code)
    form = TrainingForm()
    form.held_on.data = campus_today(campus)
    return _training_page(campus, form)


@bp.route("/campuses/<code>/training", methods=["POST"])
@allow(*TRAINERS)
@once_per_submission
def training_new(code: str):
    campus = campus_for(current_user, code)
    form = TrainingForm()
    if form.validate_on_submit():
        try:
            operations.record_training(campus, form.data, current_user)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Training session recorded."), "success")
            return redirect(url_for("certifications.training", code=campus.code))
    return _training_page(campus, form, 400)


@bp.route("/training/<int:session_id>/withdraw", methods=["POST"])
@allow(*TRAINERS)
def training_withdraw(session_id: int):
    session = db.get_or_404(TrainingSession, session_id)
    require_campus_access(current_user, session.campus_id)
    form = WithdrawForm()
    try:
        if not form.validate_on_submit():
            raise ValidationFailed({"reason": _("Say why, in at most 500 characters.")})
        if operations.withdraw_training(session, form.reason.data or ""):
            flash(_("Training session withdrawn."), "success")
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "error")
    return redirect(url_for("certifications.training", code=session.campus.code))
