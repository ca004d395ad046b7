"""Safety-department pages: the school calendar (terms, closed days) and rule packs."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from safetyops.calendar import operations as calendar
from safetyops.calendar.forms import CalendarEntryForm
from safetyops.calendar.models import CalendarEntry
from safetyops.campuses.models import Campus
from safetyops.core.access import admin_only
from safetyops.core.errors import ValidationFailed
from safetyops.core.forms import ButtonForm, apply_errors, choices
from safetyops.core.submissions import once_per_submission
from safetyops.extensions import db

bp = Blueprint("calendar", __name__)


def _campus_choices():
    campuses = db.session.scalars(select(Campus).order_by(Campus.name))
    return choices(
        [(0, _("All campuses (district calendar)"))] + [(c.id, c.name) for c in campuses]
    )


def _back(entry_campus_id: int | None):
    campus = db.session.get(Campus, entry_campus_id) if entry_campus_id else None
    code = campus.code if campus is not None else None
    return url_for("calendar.index", campus=code)


@bp.route("/admin/calendar")
@admin_only
def index():
    code = request.args.get("campus")
    campus = db.session.scalar(select(Campus).where(Campus.code == code)) if code else None
    campuses = list(db.session.scalars(select(Campus).order_by(Campus.name)))
    return render_template(
        "calendar/index.html",
        campus=campus,
        campuses=campuses,
        entries=calendar.entries(campus.id if campus else None),
        button=ButtonForm(),
    )


def _entry_values(form: CalendarEntryForm) -> dict:
    return {
        "campus_id": form.campus_id.data or None,
        "kind": form.kind.data,
        "name": form.name.data,
        "start_date": form.start_date.data,
        "end_date": form.end_date.data,
    }


@bp.route("/admin/calendar/new", methods=["GET", "POST"])
@admin_only
@once_per_submission
def new():
    form = CalendarEntryForm()
    form.campus_id.choices = _campus_choices()
    if request.method == "GET":
        code = request.args.get("campus")
        campus = db.session.scalar(select(Campus).where(Campus.code == code)) if code else None
        form.campus_id.data = campus.id if campus else 0
        form.kind.data = request.args.get("kind", "closed")
    if form.validate_on_submit():
        try:
            entry = calendar.create_entry(_entry_values(form))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Added to the calendar."), "success")
            return redirect(_back(entry.campus_id))
    return render_template(
        "form_page.html",
        form=form,
        title=_("Add a term or closed days"),
        cancel_url=url_for("calendar.index"),
    )


@bp.route("/admin/calendar/<int:entry_id>/edit", methods=["GET", "POST"])
@admin_only
@once_per_submission
def edit(entry_id: int):
    entry = db.get_or_404(CalendarEntry, entry_id)
    form = CalendarEntryForm(obj=entry)
    form.campus_id.choices = _campus_choices()
    if request.method == "GET":
        form.campus_id.data = entry.campus_id or 0
    if form.validate_on_submit():
        try:
            calendar.update_entry(entry, _entry_values(form))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Calendar updated."), "success")
            return redirect(_back(entry.campus_id))
    return render_template(
        "form_page.html",
        form=form,
        title=_("Edit %(name)s", name=entry.name),
        cancel_url=_back(entry.campus_id),
    )


@bp.route("/admin/calendar/<int:entry_id>/delete", methods=["POST"])
@admin_only
def delete(entry_id: int):
    entry = db.get_or_404(CalendarEntry, entry_id)
    back = _back(entry.campus_id)
    if ButtonForm().validate_on_submit():
        calendar.delete_entry(entry)
        flash(_("Removed from the calendar."), "success")
    return redirect(back)
