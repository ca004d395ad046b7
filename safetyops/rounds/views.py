"""Round pages: start, walk (checklist), finish, amend; plans; missed rounds."""

from __future__ import annotations

import uuid
from datetime import timedelta

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
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from safetyops.accounts.models import WALKERS, Role
from safetyops.campuses.models import Checkpoint
from safetyops.core import record_rules
from safetyops.core.access import allow, campus_for, require_campus_access, visible_campus_ids
from safetyops.core.db import utcnow
from safetyops.core.errors import NotAllowed, ValidationFailed
from safetyops.core.forms import apply_errors, choices, date_arg
from safetyops.core.submissions import once_per_submission
from safetyops.extensions import db
from safetyops.offline import queries as offline_queries
from safetyops.rounds import operations as rounds_service
from safetyops.rounds import photos
from safetyops.rounds.domain import format_windows
from safetyops.rounds.forms import (
    ACTION_CHOICES,
    FINDING_KIND_CHOICES,
    AmendForm,
    CompleteForm,
    PlanForm,
    SingleCheckForm,
    StartRoundForm,
)
from safetyops.rounds.models import Round, RoundPlan, RoundResult

bp = Blueprint("rounds", __name__)
PLANNERS = (Role.SUPERVISOR, Role.SAFETY_ADMIN)
REVIEWERS = (Role.SUPERVISOR, Role.SAFETY_ADMIN, Role.PRINCIPAL, Role.VIEWER)


def _round_or_404(round_id: int) -> Round:
    round_ = db.get_or_404(Round, round_id)
    require_campus_access(current_user, round_.campus_id)
    return round_


@bp.route("/rounds/start", methods=["POST"])
@allow(*WALKERS)
def start():
    form = StartRoundForm()
    plan = db.session.get(RoundPlan, request.form.get("plan_id", type=int) or 0)
    if plan is None or not plan.active:
        flash(_("That round plan no longer exists."), "error")
        return redirect(url_for("home.index"))
    require_campus_access(current_user, plan.campus_id)
    client_id = form.client_id.data or None
    try:
        round_ = rounds_service.start_round(current_user, plan, client_id)
    except (ValidationFailed, rounds_service.Conflict):
        round_ = rounds_service.start_round(current_user, plan)
    return redirect(url_for("rounds.walk", round_id=round_.id))


@bp.route("/rounds/<int:round_id>")
@allow()
def walk(round_id: int):
    round_ = _round_or_404(round_id)
    checkpoints = {
        cp.id: cp
        for cp in db.session.scalars(
            select(Checkpoint).where(Checkpoint.id.in_(round_.checkpoint_ids))
        )
    }
    stops = [checkpoints[i] for i in round_.checkpoint_ids]
    latest = rounds_service.effective_results(round_)
    walking = not round_.is_completed and round_.officer_id == current_user.id
    amend_form = None
    if record_rules.may_amend_round(current_user, round_):
        amend_form = AmendForm()
        amend_form.result_id.choices = choices(
            [("", _("(the round as a whole)"))]
            + [(r.id, checkpoints[r.checkpoint_id].name) for r in round_.results]
        )
    return render_template(
        "rounds/walk.html" if walking else "rounds/detail.html",
        round=round_,
        stops=stops,
        latest=latest,
        checked=len(latest),
        focus=request.args.get("checkpoint", type=int),
        finding_kinds=FINDING_KIND_CHOICES,
        actions=ACTION_CHOICES,
        complete_form=CompleteForm(),
        amend_form=amend_form,
        new_id=lambda: str(uuid.uuid4()),
        now=utcnow(),
        times=None if walking else offline_queries.round_times(round_),
    )


@bp.route("/rounds/<int:round_id>/results", methods=["POST"])
@allow(*WALKERS)
def post_result(round_id: int):
    """The no-JavaScript path: one form per checkpoint, same service as the API."""
    round_ = _round_or_404(round_id)
    if round_.officer_id != current_user.id:
        flash(_("Only the officer walking this round can record results."), "error")
        return redirect(url_for("rounds.walk", round_id=round_id))
    payload = {
        k: request.form.get(k)
        for k in ("id", "checkpoint_id", "status", "finding_kind", "note", "action_taken")
    }
    payload["recorded_at"] = request.form.get("recorded_at") or utcnow().isoformat()
    payload["capture"] = "form"  # proof of presence: the no-JavaScript form
    try:
        result, _created = rounds_service.record_result(round_, payload)
        upload = request.files.get("photo")
        if upload and upload.filename:
            photos.attach_photo(result, upload.read())
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "error")
    except rounds_service.Conflict as exc:
        flash(str(exc), "error")
    return redirect(url_for("rounds.walk", round_id=round_id) + f"#cp-{payload['checkpoint_id']}")


@bp.route("/rounds/<int:round_id>/complete", methods=["POST"])
@allow(*WALKERS)
def complete(round_id: int):
    round_ = _round_or_404(round_id)
    if round_.officer_id != current_user.id:
        flash(_("Only the officer walking this round can finish it."), "error")
        return redirect(url_for("rounds.walk", round_id=round_id))
    form = CompleteForm()
    try:
        rounds_service.complete_round(round_, form.reason.data or "")
    except ValidationFailed as exc:
        flash(exc.errors["reason"], "error")
        return redirect(url_for("rounds.walk", round_id=round_id) + "#finish")
    flash(_("Round finished. Thank you."), "success")
    return redirect(url_for("home.index"))


@bp.route("/rounds/<int:round_id>/amend", methods=["POST"])
@allow(*WALKERS)
@once_per_submission
def amend(round_id: int):
    round_ = _round_or_404(round_id)
    form = AmendForm()
    form.result_id.choices = choices([("", "")] + [(r.id, r.id) for r in round_.results])
    if form.validate_on_submit():
        try:
            rounds_service.amend_round(
                round_,
                current_user,
                form.reason.data,
                form.result_id.data or None,
                {"correction": form.correction.data},
            )
            flash(_("Amendment recorded beside the original."), "success")
        except ValidationFailed as exc:
            flash(" ".join(exc.errors.values()), "error")
        except NotAllowed:
            abort(403)
    else:
        flash(_("An amendment needs a reason and the correct record."), "error")
    return redirect(url_for("rounds.walk", round_id=round_id))


@bp.route("/photos/<result_id>")
@allow()
def photo(result_id: str):
    result = db.get_or_404(RoundResult, result_id)
    require_campus_access(current_user, result.round.campus_id)
    stored = photos.photo_bytes(result)
    if stored is None:
        message = (
            _("This photo was removed under the district's photo retention period.")
            if result.photo
            else _("No photo.")
        )
        return render_template("errors/error.html", code=404, message=message), 404
    data, mimetype = stored
    # Evidence photos are private: the after-request hook marks them no-store.
    return Response(data, mimetype=mimetype)


@bp.route("/scan/<int:checkpoint_id>", methods=["GET", "POST"])
@allow(*WALKERS)
def scan(checkpoint_id: int):
    """Where a checkpoint's QR code leads: the round in progress, or a single check.

    Opening the link changes nothing (a link can be followed twice, or from another site):
    a single check starts only on POST, with a submission id so a double tap starts one.
    """
    checkpoint = db.get_or_404(Checkpoint, checkpoint_id)
    require_campus_access(current_user, checkpoint.campus_id)
    current = rounds_service.round_in_progress(current_user, checkpoint.campus_id)
    if current is not None and checkpoint.id in current.checkpoint_ids:
        return redirect(
            url_for("rounds.walk", round_id=current.id, checkpoint=checkpoint.id)
            + f"#cp-{checkpoint.id}"
        )
    form = SingleCheckForm()
    if form.validate_on_submit():
        try:
            single = rounds_service.start_single_check(
                current_user, checkpoint, form.client_id.data or None
            )
        except (ValidationFailed, rounds_service.Conflict) as exc:
            flash(str(exc), "error")
        else:
            return redirect(url_for("rounds.walk", round_id=single.id, checkpoint=checkpoint.id))
    return render_template(
        "rounds/scan.html", checkpoint=checkpoint, form=form, new_id=lambda: str(uuid.uuid4())
    )


# ---- plans ------------------------------------------------------------------------


@bp.route("/campuses/<code>/round-plans")
@allow(*REVIEWERS)
def plans(code: str):
    campus = campus_for(current_user, code)
    plan_list = list(
        db.session.scalars(
            select(RoundPlan)
            .where(RoundPlan.campus_id == campus.id)
            .options(selectinload(RoundPlan.windows), selectinload(RoundPlan.stops))
            .order_by(RoundPlan.active.desc(), RoundPlan.name)
        )
    )
    return render_template(
        "rounds/plans.html",
        campus=campus,
        plans=plan_list,
        format_windows=format_windows,
        can_edit=Role(current_user.role) in PLANNERS,
    )


def _plan_form(campus, plan=None) -> PlanForm:
    form = PlanForm(obj=plan)
    form.checkpoint_ids.choices = choices(
        [(cp.id, cp.name) for cp in campus.checkpoints if cp.active]
    )
    if request.method == "GET":
        if plan is not None:
            form.checkpoint_ids.data = [s.checkpoint_id for s in plan.stops]
            form.windows.data = format_windows((w.start, w.end) for w in plan.windows)
            form.weekdays.data = plan.weekdays
        else:
            form.weekdays.data = [1, 2, 3, 4, 5]
            form.checkpoint_ids.data = [cp.id for cp in campus.checkpoints if cp.active]
    return form


@bp.route("/campuses/<code>/round-plans/new", methods=["GET", "POST"])
@allow(*PLANNERS)
@once_per_submission
def plan_new(code: str):
    campus = campus_for(current_user, code)
    form = _plan_form(campus)
    if form.validate_on_submit():
        try:
            rounds_service.save_plan(campus, form.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Round plan saved."), "success")
            return redirect(url_for("rounds.plans", code=campus.code))
    return render_template(
        "form_page.html",
        form=form,
        title=_("New round plan at %(name)s", name=campus.name),
        cancel_url=url_for("rounds.plans", code=campus.code),
    )


@bp.route("/round-plans/<int:plan_id>/edit", methods=["GET", "POST"])
@allow(*PLANNERS)
@once_per_submission
def plan_edit(plan_id: int):
    plan = db.get_or_404(RoundPlan, plan_id)
    require_campus_access(current_user, plan.campus_id)
    form = _plan_form(plan.campus, plan)
    if form.validate_on_submit():
        try:
            rounds_service.save_plan(plan.campus, form.data, plan)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Round plan saved."), "success")
            return redirect(url_for("rounds.plans", code=plan.campus.code))
    return render_template(
        "form_page.html",
        form=form,
        title=_("Edit %(name)s", name=plan.name),
        cancel_url=url_for("rounds.plans", code=plan.campus.code),
    )


@bp.route("/round-plans/<int:plan_id>/active", methods=["POST"])
@allow(*PLANNERS)
def plan_active(plan_id: int):
    plan = db.get_or_404(RoundPlan, plan_id)
    require_campus_access(current_user, plan.campus_id)
    rounds_service.set_plan_active(plan, request.form.get("active") == "1")
    return redirect(url_for("rounds.plans", code=plan.campus.code))


# ---- missed rounds ----------------------------------------------------------------


@bp.route("/rounds/missed")
@allow(*REVIEWERS)
def missed():
    today = utcnow().date()
    start = date_arg("from", today - timedelta(days=13))
    end = date_arg("to", today)
    if end < start:
        start, end = end, start
    end = min(end, start + timedelta(days=92))  # bounded work per page
    allowed = visible_campus_ids(current_user)
    code = request.args.get("campus") or None
    campus_ids = allowed
    if code:
        campus_ids = [campus_for(current_user, code).id]
    rows = rounds_service.missed_rounds(
        None if campus_ids is None else list(campus_ids), start, end
    )
    return render_template("rounds/missed.html", rows=rows, start=start, end=end, campus=code)


# ---- QR sheets --------------------------------------------------------------------


@bp.route("/campuses/<code>/qr")
@allow(*REVIEWERS)
def qr_sheet(code: str):
    from safetyops.campuses.qr import qr_svg
    from safetyops.core.pdf import html_to_pdf

    campus = campus_for(current_user, code)
    labels = [
        {
            "checkpoint": cp,
            "svg": qr_svg(url_for("rounds.scan", checkpoint_id=cp.id, _external=True)),
        }
        for cp in campus.checkpoints
        if cp.active
    ]
    html = render_template(
        "rounds/qr_sheet.html",
        campus=campus,
        labels=labels,
        pdf=request.args.get("format") == "pdf",
    )
    if request.args.get("format") != "pdf":
        return html
    pdf = html_to_pdf(html, request.url_root, current_app.static_folder)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="qr-{campus.code}.pdf"'},
    )
