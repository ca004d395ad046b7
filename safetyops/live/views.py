"""Campus areas (supervisors and the safety department) and live drill mode: start a
drill on the tablet, report areas clear, end it into its drill record."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from safetyops.accounts.models import Role
from safetyops.core.access import allow, campus_for, require_campus_access, visible_campuses
from safetyops.core.errors import ValidationFailed
from safetyops.core.forms import ButtonForm, apply_errors, choices
from safetyops.core.submissions import once_per_submission
from safetyops.drills.forms import TYPE_LABELS
from safetyops.extensions import db
from safetyops.live import domain
from safetyops.live import operations as live_ops
from safetyops.live import queries as live_queries
from safetyops.live.forms import (
    AREA_KIND_CHOICES,
    ISSUE_CHOICES,
    AreaForm,
    AreaImportForm,
    StartLiveForm,
)
from safetyops.live.models import CampusArea, LiveDrill, LiveStatus

bp = Blueprint("live", __name__)
AREA_EDITORS = (Role.SUPERVISOR, Role.SAFETY_ADMIN)
RUNNERS = (Role.OFFICER, Role.SUPERVISOR, Role.PRINCIPAL, Role.SAFETY_ADMIN)


# ---- campus areas ------------------------------------------------------------------------


def _area_or_404(area_id: int) -> CampusArea:
    area = db.get_or_404(CampusArea, area_id)
    require_campus_access(current_user, area.campus_id)
    return area


@bp.route("/campuses/<code>/areas", methods=["GET", "POST"])
@allow(*AREA_EDITORS)
@once_per_submission
def areas(code: str):
    campus = campus_for(current_user, code)
    form = AreaForm(prefix="area")
    if form.validate_on_submit():
        try:
            live_ops.create_area(campus, form.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Area added."), "success")
            return redirect(url_for("live.areas", code=campus.code))
    return _areas_page(campus, form, AreaImportForm(prefix="csv"))


def _areas_page(campus, form, import_form, report=None):
    return render_template(
        "live/areas.html",
        campus=campus,
        areas=live_queries.areas_of(campus, include_inactive=True),
        form=form,
        import_form=import_form,
        kinds={c.value: c.label for c in AREA_KIND_CHOICES},
        button=ButtonForm(),
        report=report,
    )


@bp.route("/campuses/<code>/areas/import", methods=["POST"])
@allow(*AREA_EDITORS)
@once_per_submission
def import_areas(code: str):
    campus = campus_for(current_user, code)
    import_form = AreaImportForm(prefix="csv")
    report = None
    if import_form.validate_on_submit():
        raw = import_form.file.data.read(2_000_001)
        if len(raw) > 2_000_000:
            import_form.file.errors = [_("The file is larger than 2 MB.")]
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                import_form.file.errors = [_("The file is not UTF-8 text (save it as CSV UTF-8).")]
            else:
                codes = {c.code for c in db.session.scalars(visible_campuses(current_user))}
                report = live_ops.import_areas(text, codes)
                if report.ok:
                    flash(
                        _("Areas imported: %(c)d new, %(u)d changed, %(s)d unchanged.",
                          c=report.created, u=report.updated, s=report.unchanged),
                        "success",
                    )  # fmt: skip
                    return redirect(url_for("live.areas", code=campus.code))
    return _areas_page(campus, AreaForm(prefix="area", formdata=None), import_form, report)


@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@allow(*AREA_EDITORS)
@once_per_submission
def area_edit(area_id: int):
    area = _area_or_404(area_id)
    form = AreaForm(obj=area)
    if form.validate_on_submit():
        try:
            live_ops.update_area(area, form.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Area saved."), "success")
            return redirect(url_for("live.areas", code=area.campus.code))
    return render_template("form_page.html", form=form, title=_("Edit %(name)s", name=area.name))


@bp.route("/areas/<int:area_id>/move", methods=["POST"])
@allow(*AREA_EDITORS)
def area_move(area_id: int):
    area = _area_or_404(area_id)
    live_ops.move_area(area, up=request.form.get("direction") == "up")
    return redirect(url_for("live.areas", code=area.campus.code, _anchor=f"area-{area.id}"))


@bp.route("/areas/<int:area_id>/active", methods=["POST"])
@allow(*AREA_EDITORS)
def area_active(area_id: int):
    area = _area_or_404(area_id)
    activate = request.form.get("active") == "1"
    live_ops.set_area_active(area, activate)
    flash(_("Area reactivated.") if activate else _("Area deactivated."), "success")
    return redirect(url_for("live.areas", code=area.campus.code))


# ---- live drills -------------------------------------------------------------------------


@bp.route("/campuses/<code>/live", methods=["GET", "POST"])
@allow(*RUNNERS)
@once_per_submission
def start(code: str):
    """Start a drill or a real event on the tablet, or join one already running."""
    campus = campus_for(current_user, code)
    areas = live_queries.areas_of(campus)
    form = StartLiveForm()
    form.area_ids.choices = choices([(a.id, a.name) for a in areas])
    if request.method == "GET":
        form.client_id.data = str(uuid.uuid4())
        form.area_ids.data = [a.id for a in areas]
        form.real_event.data = request.args.get("real") == "1"
    if form.validate_on_submit():
        try:
            live, _created = live_ops.start(
                campus,
                current_user,
                {"drill_type": form.drill_type.data, "real_event": form.real_event.data,
                 "announced": form.announced.data, "area_ids": form.area_ids.data},
                form.client_id.data or "",
            )  # fmt: skip
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return redirect(url_for("live.run", live_id=live.id))
    return render_template(
        "live/start.html",
        campus=campus,
        form=form,
        areas=areas,
        running=live_queries.running(campus),
        labels=TYPE_LABELS,
    )


def _live_or_404(live_id: int) -> LiveDrill:
    live = db.get_or_404(LiveDrill, live_id)
    require_campus_access(current_user, live.campus_id)
    return live


@bp.route("/live/<int:live_id>")
@allow(*RUNNERS, Role.VIEWER)
def run(live_id: int):
    """The tablet page: a large timer, one big button per area, the others' taps."""
    live = _live_or_404(live_id)
    may_tap = Role(current_user.role) in RUNNERS
    return render_template(
        "live/run.html",
        live=live,
        campus=live.campus,
        state=live_queries.state(live),
        label=TYPE_LABELS.get(live.drill_type, live.drill_type),
        issues=ISSUE_CHOICES,
        issue_labels={c.value: str(c.label) for c in ISSUE_CHOICES if c.value},
        may_tap=may_tap and live.status == LiveStatus.RUNNING,
        button=ButtonForm(),
        clock=domain.minutes_seconds,
    )


@bp.route("/live/<int:live_id>/end", methods=["POST"])
@allow(*RUNNERS)
def end(live_id: int):
    live = _live_or_404(live_id)
    try:
        live, ended = live_ops.end(live, current_user)
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for("live.run", live_id=live.id))
    if live.drill_id is None:  # ended elsewhere a moment ago and still being recorded
        return redirect(url_for("live.run", live_id=live.id))
    if ended:
        flash(
            _("Ended. The drill record is filled in from the tablets: complete the remaining "
              "fields, then sign it off."),
            "success",
        )  # fmt: skip
    else:
        flash(_("This drill was already ended."), "info")
    return redirect(url_for("drills.show", drill_id=live.drill_id))
