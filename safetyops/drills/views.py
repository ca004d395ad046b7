"""Drill records: log, list, show, sign off, edit or amend, export; medical calls."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from safetyops.accounts.models import Role
from safetyops.calendar.domain import school_year_label, school_year_of
from safetyops.core import i18n, record_rules
from safetyops.core.access import allow, campus_for, require_campus_access
from safetyops.core.errors import NotAllowed, ValidationFailed
from safetyops.core.forms import apply_errors, date_arg, year_arg
from safetyops.core.submissions import once_per_submission
from safetyops.core.timefmt import campus_today
from safetyops.drills import export as drill_export
from safetyops.drills import operations as drills_service
from safetyops.drills.domain import DrillType
from safetyops.drills.forms import (
    TYPE_LABELS,
    AmendDrillForm,
    DrillForm,
    MedicalCallForm,
    type_choices,
)
from safetyops.drills.models import DRILL_FIELDS, Drill
from safetyops.extensions import db
from safetyops.offline import queries as receipts
from safetyops.offline.models import EntryKind

bp = Blueprint("drills", __name__)
LOGGERS = (Role.OFFICER, Role.PRINCIPAL, Role.SUPERVISOR, Role.SAFETY_ADMIN)
REVIEWERS = (*LOGGERS, Role.VIEWER)
SIGNERS = (Role.PRINCIPAL, Role.SUPERVISOR, Role.SAFETY_ADMIN)


def _drill_or_404(drill_id: int) -> Drill:
    drill = db.get_or_404(Drill, drill_id)
    require_campus_access(current_user, drill.campus_id)
    return drill


def _form_values(form: DrillForm, campus) -> dict:
    started = drills_service.to_utc(campus, datetime.combine(form.day.data, form.start_time.data))
    ended = None
    if form.end_time.data is not None:
        ended = drills_service.to_utc(campus, datetime.combine(form.day.data, form.end_time.data))
    follow_ups = [row.data for row in form.follow_ups]  # the service drops empty rows
    return {
        "drill_type": form.drill_type.data,
        "real_event": form.real_event.data,
        "started_at": started,
        "ended_at": ended,
        "hazard": form.hazard.data,
        "evacuation_location": form.evacuation_location.data,
        "announced": form.announced.data,
        "conducted_by": form.conducted_by.data,
        "notification_method": form.notification_method.data,
        "staff_participating": form.staff_participating.data,
        "occupants": form.occupants.data,
        "time_to_complete_seconds": form.time_to_complete_seconds.data,
        "special_conditions": form.special_conditions.data,
        "problems": form.problems.data,
        "problems_notes": form.problems_notes.data,
        "weather": form.weather.data,
        "observers": form.observers.data,
        "debrief_notes": form.debrief_notes.data,
        "follow_ups": follow_ups,
    }


def _fill_form(form: DrillForm, drill: Drill) -> None:
    local = drill.started_at.astimezone(ZoneInfo(drill.campus.timezone))
    for name in DRILL_FIELDS:
        if hasattr(form, name) and name not in ("started_at", "ended_at", "follow_ups"):
            getattr(form, name).data = getattr(drill, name)
    form.day.data, form.start_time.data = local.date(), local.time().replace(second=0)
    if drill.ended_at:
        end = drill.ended_at.astimezone(ZoneInfo(drill.campus.timezone))
        form.end_time.data = end.time().replace(second=0)
    while len(form.follow_ups) < len(drill.follow_ups) + 1:
        form.follow_ups.append_entry()
    for row, saved in zip(form.follow_ups, drill.follow_ups, strict=False):
        row.action.data, row.owner.data = saved["action"], saved["owner"]
        row.due.data = date.fromisoformat(saved["due"]) if saved.get("due") else None


@bp.route("/campuses/<code>/drills/new", methods=["GET", "POST"])
@allow(*LOGGERS)
@once_per_submission
def new(code: str):
    campus = campus_for(current_user, code)
    form = DrillForm()
    form.drill_type.choices = type_choices(drills_service.drill_types())
    if request.method == "GET":
        form.client_id.data = str(uuid.uuid4())
        form.drill_type.data = (
            drills_service.type_of(request.args.get("type", "")) or DrillType.LOCKDOWN
        )
        form.day.data = date_arg("day") or campus_today(campus)
        form.start_time.data = datetime.now(ZoneInfo(campus.timezone)).time()
        form.conducted_by.data = current_user.name
        form.real_event.data = request.args.get("real") == "1"
    if form.validate_on_submit():
        try:
            drill, created = drills_service.log_drill(
                campus, _form_values(form, campus), current_user, form.client_id.data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            if created:
                day = i18n.day(drill.local_date)
                flash(_("Saved: %(type)s on %(day)s.", type=_label(drill), day=day))
            else:
                flash(_("Already saved; nothing was added twice."))
            if request.args.get("back") == "compliance":
                return redirect(url_for("compliance.campus", code=campus.code))
            return redirect(url_for("drills.show", drill_id=drill.id))
    return render_template("drills/form.html", form=form, campus=campus, drill=None)


def _label(drill: Drill) -> str:
    return str(TYPE_LABELS.get(drill.drill_type, drill.drill_type))


@bp.route("/campuses/<code>/drills")
@allow(*REVIEWERS)
def index(code: str):
    campus = campus_for(current_user, code)
    year = year_arg("year", school_year_of(campus_today(campus)))
    start, end = drills_service.school_year_bounds(year)
    records = drills_service.drills_between(campus, start, end)
    calls = drills_service.medical_calls_between(campus, start, end)
    return render_template(
        "drills/index.html",
        campus=campus,
        drills=records,
        calls=calls,
        call_receipts=receipts.record_receipts(EntryKind.MEDICAL_CALL, [c.id for c in calls]),
        year=year,
        year_label=school_year_label(year),
        labels=TYPE_LABELS,
    )


@bp.route("/drills/<int:drill_id>")
@allow(*REVIEWERS)
def show(drill_id: int):
    from safetyops.actions.views import drill_section  # the after-action part (issue 14)

    drill = _drill_or_404(drill_id)
    after = drill_section(drill)
    return render_template(
        "drills/show.html",
        drill=drill,
        # Logged on a tablet: its times as sent and their flags, for the supervisor.
        receipt=receipts.record_receipts(EntryKind.DRILL, [drill.id]).get(drill.id),
        after=after,
        extras=after["extras"],
        campus=drill.campus,
        labels=TYPE_LABELS,
        can_sign=record_rules.may_sign_off_drill(current_user, drill),
        can_change=record_rules.may_change_drill(current_user, drill),
    )


@bp.route("/drills/<int:drill_id>/sign-off", methods=["POST"])
@allow(*SIGNERS)
def sign_off(drill_id: int):
    drill = _drill_or_404(drill_id)
    try:
        drills_service.sign_off(drill, current_user)
    except NotAllowed as exc:
        flash(str(exc), "error")
    else:
        flash(_("Signed off. Corrections from now on are amendments with a reason."))
    return redirect(url_for("drills.show", drill_id=drill.id))


@bp.route("/drills/<int:drill_id>/edit", methods=["GET", "POST"])
@allow(*LOGGERS)
@once_per_submission
def edit(drill_id: int):
    """Edit a draft; amend a signed-off record (a reason is required)."""
    drill = _drill_or_404(drill_id)
    if not record_rules.may_change_drill(current_user, drill):
        abort(403)
    form = AmendDrillForm() if drill.is_signed_off else DrillForm()
    form.drill_type.choices = type_choices(drills_service.drill_types())
    if request.method == "GET":
        _fill_form(form, drill)
    if form.validate_on_submit():
        try:
            drills_service.update_drill(
                drill,
                _form_values(form, drill.campus),
                current_user,
                reason=form.reason.data if drill.is_signed_off else "",
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Amendment saved.") if drill.is_signed_off else _("Saved."))
            return redirect(url_for("drills.show", drill_id=drill.id))
    return render_template("drills/form.html", form=form, campus=drill.campus, drill=drill)


# ---- exports ---------------------------------------------------------------------------


def _year_records(code: str):
    campus = campus_for(current_user, code)
    year = year_arg("year", school_year_of(campus_today(campus)))
    start, end = drills_service.school_year_bounds(year)
    return campus, year, drills_service.drills_between(campus, start, end, with_people=True)


@bp.route("/campuses/<code>/drills.csv")
@allow(*REVIEWERS)
def export_csv(code: str):
    """The campus's school year of drills, in the one drill CSV format (drills/export.py)."""
    campus = campus_for(current_user, code)
    year = year_arg("year", school_year_of(campus_today(campus)))
    start, end = drills_service.school_year_bounds(year)
    rows = drill_export.stream(drill_export.records([campus.id], start, end))
    filename = f"drills-{campus.code}-{school_year_label(year)}.csv"
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/campuses/<code>/drills/print")
@allow(*REVIEWERS)
def export_print(code: str):
    """The fire inspector's record: every drill of a school year, one block each."""
    from safetyops.core.pdf import html_to_pdf

    campus, year, records = _year_records(code)
    pdf = request.args.get("format") == "pdf"
    from safetyops.actions.views import record_extras  # live times, corrective actions

    html = render_template(
        "drills/print.html",
        campus=campus,
        drills=records,
        extras=record_extras([d.id for d in records]),
        year_label=school_year_label(year),
        labels=TYPE_LABELS,
        pdf=pdf,
        generated=datetime.now(ZoneInfo(campus.timezone)),
    )
    if not pdf:
        return html
    body = html_to_pdf(html, request.url_root, current_app.static_folder)
    filename = f"drills-{campus.code}-{school_year_label(year)}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


# ---- medical calls -----------------------------------------------------------------------


@bp.route("/campuses/<code>/medical/new", methods=["GET", "POST"])
@allow(Role.OFFICER, Role.SUPERVISOR, Role.SAFETY_ADMIN)
@once_per_submission
def new_medical(code: str):
    campus = campus_for(current_user, code)
    form = MedicalCallForm()
    zone = ZoneInfo(campus.timezone)
    if request.method == "GET":
        form.client_id.data = str(uuid.uuid4())
        form.day.data = campus_today(campus)
        form.called_time.data = datetime.now(zone).time().replace(second=0, microsecond=0)
    if form.validate_on_submit():
        called = drills_service.to_utc(
            campus, datetime.combine(form.day.data, form.called_time.data)
        )
        ems = None
        if form.ems_time.data is not None:
            ems = drills_service.to_utc(campus, datetime.combine(form.day.data, form.ems_time.data))
        try:
            _call, created = drills_service.record_medical_call(
                campus,
                {
                    "called_at": called,
                    "location": form.location.data,
                    "actions": form.actions.data,
                    "ems_arrived_at": ems,
                    "notes": form.notes.data,
                },
                current_user,
                form.client_id.data,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Medical call saved.") if created else _("Already saved."))
            return redirect(url_for("drills.index", code=campus.code))
    return render_template("drills/medical_form.html", form=form, campus=campus)
