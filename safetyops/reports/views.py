"""The weekly report (page, print, PDF) and the CSV exports; tokens work for scripts."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from safetyops.accounts.models import Role
from safetyops.campuses.models import Campus
from safetyops.compliance.views import STATUS_WORDS
from safetyops.core import dates
from safetyops.core.access import allow, json_error, visible_campus_ids, visible_campuses
from safetyops.core.db import utcnow
from safetyops.drills.forms import TYPE_LABELS
from safetyops.extensions import db
from safetyops.reports import domain as weekly
from safetyops.reports import exports
from safetyops.reports import queries as reports

bp = Blueprint("reports", __name__)
# The words repeated in every campus section, translated once per page, not 200 times.
WORDS = {
    "rounds_completed": _l("rounds completed"),
    "rounds_missed": _l("rounds missed"),
    "checks": _l("checks"),
    "checkpoints": _l("checkpoints"),
    "findings_opened": _l("findings opened"),
    "resolved": _l("resolved"),
    "still_open": _l("still open"),
    "drills_and_events": _l("drills and events"),
    "real": _l("real"),
    "medical_calls": _l("medical calls"),
    "findings_by_kind": _l("Findings by kind"),
    "none": _l("none"),
    "still_open_by_age": _l("Still open, by age"),
    "drills_by_type": _l("Drills by type"),
    "type": _l("Type"),
    "count": _l("Count"),
    "real_column": _l("Real"),
    "avg_minutes": _l("Avg. minutes"),
    "repeat_offenders": _l("Repeat offenders"),
    "drill_compliance": _l("Drill compliance"),
    "overdue": _l("Overdue"),
    "due": _l("due"),
    "flagged_rounds": _l("rounds flagged for review"),
    # Said once per campus section (200 of them): looked up once per page.
    "campus_pdf": _l("campus PDF"),
    "versus": _l("Against the 8 weeks before"),
    "average": _l("average"),
    "points": _l("points"),
    "findings": _l("findings"),
    "trend": _l("Last 8 weeks and this one"),
    "week": _l("Week"),
    "rounds_completed_row": _l("Rounds completed"),
    "findings_row": _l("Findings"),
}
# The age buckets are keys of the stored figures (snapshots keep them): labels at display.
AGE_WORDS = {
    "0-7 days": _l("0–7 days"),
    "8-30 days": _l("8–30 days"),
    "over 30 days": _l("over 30 days"),
}
CHART_WORDS = {
    "completion": _l("Rounds completed (%)"),
    "completion_lowest": _l("Rounds completed (%), lowest first"),
    "findings": _l("Findings opened per week"),
    "compliance": _l("Drill requirements this term"),
    "no_data": _l("no data"),
}
READERS = (Role.SAFETY_ADMIN, Role.VIEWER, Role.SUPERVISOR, Role.PRINCIPAL)


def _chart_words() -> dict[str, str]:
    statuses = {str(key): str(text) for key, text in STATUS_WORDS.items()}
    return {**statuses, **{key: str(text) for key, text in CHART_WORDS.items()}}


def _bad(message: str, field: str):
    if (
        request.args.get("format") in ("pdf",)
        or request.path.endswith(".csv")
        or (request.headers.get("Authorization", "").startswith("Bearer "))
    ):
        return json_error(400, message, field=field)
    return render_template("errors/error.html", code=400, message=message), 400


def _codes_for_user() -> set[str] | None:
    """None: the whole district; otherwise the campus codes this user may see."""
    if current_user.sees_all_campuses:
        return None
    return {c.code for c in db.session.scalars(visible_campuses(current_user))}


@bp.route("/reports/weekly")
@allow(*READERS)
def weekly_report():
    label = request.args.get("week") or reports.default_week(utcnow().date())
    try:
        monday, _sunday = weekly.parse_week(label)
    except ValueError:
        return _bad(_("week must look like %(example)s", example="2026-W47"), "week")
    if not dates.in_range(monday, utcnow().date()):
        return _bad(_("week %(range)s", range=dates.range_message(utcnow().date())), "week")
    codes = _codes_for_user()
    campus_code = (request.args.get("campus") or "").upper() or None
    if campus_code:
        if codes is not None and campus_code not in codes:
            return _bad(_("no such campus among yours"), "campus")
        codes = {campus_code}
    snapshot = None if request.args.get("live") else reports.snapshot_for(label)
    pdf = request.args.get("format") == "pdf"
    if pdf:  # a stored file, or the background: decided before any figure is gathered
        early = _pdf_without_figures(label, snapshot, codes, campus_code)
        if early is not None:
            return early
    if snapshot is not None:
        data = snapshot.data
    else:
        campuses = list(db.session.scalars(visible_campuses(current_user)))
        if codes is not None:
            campuses = [c for c in campuses if c.code in codes]
        data = reports.build(label, campuses)
    data = reports.for_viewer(data, codes)
    if campus_code and not data["campuses"]:
        return _bad(_("no such campus"), "campus")
    if not pdf:
        return report_html(label, data, snapshot, campus_code, pdf=False)
    from safetyops.reports import files

    if len(data["campuses"]) > files.INLINE_MAX_CAMPUSES:  # a supervisor's many campuses
        job = files.request_pdf(label, campus_code, current_user, live=snapshot is None)
        return redirect(url_for("reports.report_file", file_id=job.id), code=303)
    body = files.render_pdf(label, data, snapshot, campus_code)  # a campus: about 1 s
    if snapshot is not None and (campus_code or codes is None) and _stored_language():
        files.keep(label, campus_code, body)  # the next reader gets the stored file
    return files.pdf_response(body, files.file_name(label, campus_code))


def _stored_language() -> bool:
    """Stored snapshot PDFs are in the default language: other readers get theirs made."""
    return str(get_locale()) == current_app.config["BABEL_DEFAULT_LOCALE"]


def _pdf_without_figures(label: str, snapshot, codes: set[str] | None, campus_code: str | None):
    """A stored snapshot PDF is a file send; the whole district live (or a snapshot's never
    rendered) is made in the background: a progress page, then a link. None: render here."""
    from safetyops.reports import files

    whole = codes is None and campus_code is None
    if snapshot is not None and (whole or campus_code) and _stored_language():
        stored = files.stored(label, campus_code)
        if stored is not None:
            return files.send(stored)
    if campus_code:
        return None
    count: int | None
    if codes is not None:
        count = len(codes)
    elif snapshot is not None:
        count = len(snapshot.data["campuses"])
    else:
        count = db.session.scalar(select(func.count(Campus.id)).where(Campus.active.is_(True)))
    if (count or 0) > files.INLINE_MAX_CAMPUSES:
        job = files.request_pdf(label, campus_code, current_user, live=snapshot is None)
        return redirect(url_for("reports.report_file", file_id=job.id), code=303)
    return None


def report_html(label: str, data: dict, snapshot, campus_code: str | None, pdf: bool) -> str:
    """The weekly report page (``pdf``: its print layout, for WeasyPrint)."""
    return render_template(
        "reports/weekly.html",
        data=data,
        snapshot=snapshot,
        week=label,
        campus_code=campus_code,
        prev_week=weekly.shift_week(label, -1),
        next_week=weekly.shift_week(label, 1),
        labels=TYPE_LABELS,
        charts=weekly.report_charts(data, _chart_words(), lambda v: format_decimal(v, "#,##0.#")),
        series=weekly.chart_series(data, _chart_words()),
        w={key: str(text) for key, text in WORDS.items()},
        ages={key: str(text) for key, text in AGE_WORDS.items()},
        pdf=pdf,
    )


@bp.route("/reports/files/<int:file_id>")
@allow(*READERS)
def report_file(file_id: int):
    """A report PDF being made in the background: its progress, then a link."""
    from safetyops.reports import files

    job = files.visible_file(file_id, current_user)
    if job is None:
        abort(404)
    return render_template("reports/file.html", job=job, words=files.stage_words())


@bp.route("/reports/files/<int:file_id>.pdf")
@allow(*READERS)
def report_file_pdf(file_id: int):
    from safetyops.reports import files

    job = files.visible_file(file_id, current_user)
    if job is None or job.status != "done":
        abort(404)
    return files.send(job)


@bp.route("/exports/<kind>.csv")
@allow(*READERS)
def export(kind: str):
    if kind not in exports.EXPORTS:
        return json_error(404, f"unknown export {kind!r}; one of {', '.join(exports.EXPORTS)}")
    try:
        start = date.fromisoformat(request.args.get("from", ""))
        end = date.fromisoformat(request.args.get("to", ""))
    except ValueError:
        return json_error(400, "from and to must be dates: YYYY-MM-DD", field="from")
    today = utcnow().date()
    for field, value in (("from", start), ("to", end)):
        if not dates.in_range(value, today):
            return json_error(400, f"{field} {dates.range_message(today)}", field=field)
    if end < start:
        return json_error(400, "to is before from", field="to")
    if (end - start).days > 800:
        return json_error(400, "at most two years per export", field="to")
    ids = visible_campus_ids(current_user)
    rows = exports.stream_csv(kind, None if ids is None else sorted(ids), start, end)
    name = f"{kind}-{start}-{end}.csv"
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
