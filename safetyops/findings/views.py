"""Findings list with filters, acknowledge/resolve, and a checkpoint's history page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from safetyops.accounts.models import Role
from safetyops.campuses.models import Checkpoint
from safetyops.core.access import (
    allow,
    campus_for,
    require_campus_access,
    visible_campus_ids,
    visible_campuses,
)
from safetyops.core.errors import ValidationFailed
from safetyops.core.forms import date_arg
from safetyops.core.redirects import is_local_path
from safetyops.extensions import db
from safetyops.findings import operations as findings_service
from safetyops.findings.models import Finding, FindingStatus
from safetyops.rounds.forms import FINDING_KIND_CHOICES, ResolveForm

bp = Blueprint("findings", __name__)
HANDLERS = (Role.SUPERVISOR, Role.SAFETY_ADMIN, Role.PRINCIPAL)


@bp.route("/findings")
@allow()
def index():
    ids = visible_campus_ids(current_user)
    campus_ids = None if ids is None else sorted(ids)
    code = request.args.get("campus") or ""
    if code:
        campus_ids = [campus_for(current_user, code).id]
    status = request.args.get("status", "unresolved")
    filters = findings_service.FindingFilters(
        campus_ids=campus_ids,
        kind=request.args.get("kind") or None,
        status=status if status != "all" else None,
        start=date_arg("from"),
        end=date_arg("to"),
    )
    page = findings_service.list_findings(filters, request.args.get("page", 1, type=int))
    offenders = findings_service.repeat_offender_ids(campus_ids)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "findings/index.html",
        findings=page.findings,
        page=page,
        page_url=lambda n: url_for("findings.index", **args, page=n),
        offenders=offenders,
        filters=filters,
        status=status,
        campus=code,
        kinds=FINDING_KIND_CHOICES,
        campuses=list(db.session.scalars(visible_campuses(current_user))),
        resolve_form=ResolveForm(),
        can_handle=Role(current_user.role) in HANDLERS,
    )


def _finding(finding_id: int) -> Finding:
    finding = db.get_or_404(Finding, finding_id)
    require_campus_access(current_user, finding.campus_id)
    return finding


def _back():
    back = request.form.get("back") or ""
    # Only back to the findings list (with its filters): a local path, no line breaks.
    if is_local_path(back) and back.startswith("/findings"):
        return redirect(back)
    return redirect(url_for("findings.index"))


@bp.route("/findings/<int:finding_id>/acknowledge", methods=["POST"])
@allow(*HANDLERS)
def acknowledge(finding_id: int):
    try:
        findings_service.acknowledge(_finding(finding_id), current_user)
        flash(_("Finding acknowledged."), "success")
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "error")
    return _back()


@bp.route("/findings/<int:finding_id>/resolve", methods=["POST"])
@allow(*HANDLERS)
def resolve(finding_id: int):
    form = ResolveForm()
    try:
        findings_service.resolve(_finding(finding_id), current_user, form.resolution.data or "")
        flash(_("Finding resolved."), "success")
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "error")
    return _back()


@bp.route("/checkpoints/<int:checkpoint_id>")
@allow()
def checkpoint(checkpoint_id: int):
    cp = db.get_or_404(Checkpoint, checkpoint_id)
    require_campus_access(current_user, cp.campus_id)
    history = list(
        db.session.scalars(
            select(Finding)
            .where(Finding.checkpoint_id == cp.id)
            .order_by(Finding.opened_at.desc())
            .limit(50)
        )
    )
    flagged = cp.id in findings_service.repeat_offender_ids([cp.campus_id])
    return render_template(
        "findings/checkpoint.html",
        checkpoint=cp,
        history=history,
        flagged=flagged,
        open_status=FindingStatus.OPEN,
    )
