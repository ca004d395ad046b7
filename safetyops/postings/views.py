"""Public drill postings (no sign-in), the safety department's opt-in page, cancelled or
missed drills, and the planned drill schedule export for the county emergency coordinator.

The public pages read only campuses with an open posting period, only signed-off practice
drills of the retained school years, and only the fields listed in queries.PublicRow;
everything else answers 404. They set no cookie and are rate limited per address.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from safetyops.calendar.domain import school_year_label, school_year_of
from safetyops.campuses.models import Campus
from safetyops.core.access import admin_only, allow, campus_for, public, visible_campuses
from safetyops.core.errors import ValidationFailed
from safetyops.core.forms import ButtonForm, apply_errors, year_arg
from safetyops.core.submissions import once_per_submission
from safetyops.core.timefmt import campus_today
from safetyops.drills.forms import TYPE_LABELS, type_choices
from safetyops.drills.operations import drill_types
from safetyops.extensions import db, limiter
from safetyops.postings import export, queries
from safetyops.postings import operations as postings
from safetyops.postings.forms import (
    PUBLIC_ROLE_LABELS,
    RECORDERS,
    SCHEDULE_READERS,
    CancellationForm,
)
from safetyops.postings.models import PublicPosting

bp = Blueprint("postings", __name__)

DEFAULT_RATE_LIMIT = "60 per minute"
# A PDF costs seconds of CPU (WeasyPrint): fewer per address, and each one made once per
# process for the same content (keyed by the digest of the HTML it is rendered from).
DEFAULT_PDF_RATE_LIMIT = "6 per minute"
PDF_CACHE_SIZE = 32
_pdf_cache: OrderedDict[str, bytes] = OrderedDict()
_pdf_lock = threading.Lock()


def _public_limit() -> str:
    return current_app.config.get("PUBLIC_POSTING_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def _pdf_limit() -> str:
    return current_app.config.get("PUBLIC_POSTING_PDF_RATE_LIMIT", DEFAULT_PDF_RATE_LIMIT)


def _cached_pdf(html: str) -> bytes:
    from safetyops.core.pdf import html_to_pdf

    key = hashlib.sha256(html.encode()).hexdigest()
    with _pdf_lock:
        if key in _pdf_cache:
            _pdf_cache.move_to_end(key)
            return _pdf_cache[key]
    body = html_to_pdf(html, request.url_root, current_app.static_folder, tagged=True)
    with _pdf_lock:
        _pdf_cache[key] = body
        while len(_pdf_cache) > PDF_CACHE_SIZE:
            _pdf_cache.popitem(last=False)
    return body


def _conductor_mode() -> str:
    mode = current_app.config.get("PUBLIC_POSTING_CONDUCTOR", queries.CONDUCTOR_ROLE)
    return queries.CONDUCTOR_NAME if mode == queries.CONDUCTOR_NAME else queries.CONDUCTOR_ROLE


def _translated(key: str, make) -> str:
    """A label translated once per request (a lazy string translates on every use, and a
    public page repeats the same few labels on every row)."""
    words = g.setdefault("postings_words", {})
    if key not in words:
        words[key] = str(make())
    return words[key]


def _label(drill_type: str) -> str:
    return _translated("type:" + drill_type, lambda: TYPE_LABELS.get(drill_type, drill_type))


def _role(role: str) -> str:
    return _translated("role:" + role, lambda: PUBLIC_ROLE_LABELS.get(role, _("School staff")))


def _conductor(row: queries.PublicRow) -> str:
    return row.conductor or _role(row.conductor_role)


def _signer(row: queries.PublicRow) -> str:
    if row.signer:
        return f"{row.signer} ({_role(row.signer_role)})"
    return _role(row.signer_role)


def _public_response(response: Response) -> Response:
    # The same for everyone: shared caches may keep it a few minutes (signed-in users get
    # no-store from the app's after_request hook).
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _public_data(code: str):
    campus = queries.public_campus(code)
    if campus is None:
        # The same answer for a missing, inactive or not opted-in campus; a page of its own
        # (the app's error page carries a CSRF token, which would set a session cookie).
        abort(Response(render_template("postings/not_found.html"), status=404))
    today = campus_today(campus)
    years = queries.public_listing(campus, today, _conductor_mode())
    return campus, today, years


# ---- public pages ------------------------------------------------------------------------


@bp.route("/public/<code>/drills")
@public
@limiter.limit(_public_limit)
def public_drills(code: str):
    campus, today, years = _public_data(code)
    return _public_response(
        Response(_render_public(campus, today, years, pdf=False), mimetype="text/html")
    )


@bp.route("/public/<code>/drills.csv")
@public
@limiter.limit(_public_limit)
def public_drills_csv(code: str):
    campus, _today, years = _public_data(code)
    body = export.public_csv(campus.code, campus.name, years, _label, _conductor, _signer)
    return _public_response(
        Response(
            body,
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="drills-{campus.code}.csv"'},
        )
    )


@bp.route("/public/<code>/drills.pdf")
@public
@limiter.limit(_pdf_limit)
def public_drills_pdf(code: str):
    campus, today, years = _public_data(code)
    body = _cached_pdf(_render_public(campus, today, years, pdf=True))
    return _public_response(
        Response(
            body,
            mimetype="application/pdf",
            headers={"Content-Disposition": f'inline; filename="drills-{campus.code}.pdf"'},
        )
    )


def _render_public(campus: Campus, today, years, pdf: bool) -> str:
    return render_template(
        "postings/public.html",
        campus=campus,
        today=today,
        years=years,
        label=_label,
        conductor=_conductor,
        signer=_signer,
        pdf=pdf,
        format_date=format_date,
        format_time=format_time,
    )


# ---- the safety department's opt-in ------------------------------------------------------


@bp.route("/admin/public-postings")
@admin_only
def admin():
    campuses = list(db.session.scalars(select(Campus).order_by(Campus.name)))
    open_periods = {
        p.campus_id: p
        for p in db.session.scalars(select(PublicPosting).where(PublicPosting.closed_at.is_(None)))
    }
    return render_template(
        "postings/admin.html",
        campuses=campuses,
        open_periods=open_periods,
        form=ButtonForm(),
        conductor_mode=_conductor_mode(),
        format_date=format_date,
    )


@bp.route("/admin/public-postings/<code>", methods=["POST"])
@admin_only
def admin_set(code: str):
    campus = campus_for(current_user, code.upper(), include_inactive=True)
    make_public = request.form.get("public") == "1"
    changed = postings.set_public(campus, make_public, current_user)
    if not changed:
        flash(_("Nothing changed: it was already so."))
    elif make_public:
        flash(_("%(campus)s's drill records are now public.", campus=campus.name), "success")
    else:
        flash(_("%(campus)s's public drill page is turned off.", campus=campus.name), "success")
    return redirect(url_for("postings.admin"))


# ---- cancelled or missed drills ----------------------------------------------------------


@bp.route("/campuses/<code>/drills/cancelled/new", methods=["GET", "POST"])
@allow(*RECORDERS)
@once_per_submission
def cancellation_new(code: str):
    campus = campus_for(current_user, code)
    form = CancellationForm()
    form.drill_type.choices = type_choices(drill_types())
    if request.method == "GET":
        form.client_id.data = str(uuid.uuid4())
        form.scheduled_for.data = campus_today(campus)
        if request.args.get("type") in drill_types():
            form.drill_type.data = request.args["type"]
    if form.validate_on_submit():
        try:
            record, created = postings.record_cancellation(
                campus, dict(form.data), current_user, form.client_id.data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            message = _(
                "Recorded: %(type)s of %(day)s did not take place.",
                type=_label(record.drill_type),
                day=format_date(record.scheduled_for),
            )
            flash(message if created else _("Already saved; nothing was added twice."), "success")
            return redirect(url_for("compliance.campus", code=campus.code))
    return render_template("postings/cancellation_form.html", form=form, campus=campus)


# ---- the planned drill schedule (county emergency coordinator) ---------------------------


def _schedule_year(campuses: list[Campus]) -> int:
    today = campus_today(campuses[0]) if campuses else datetime.now(ZoneInfo("UTC")).date()
    return year_arg("year", school_year_of(today))


def _schedule_response(campuses: list[Campus], name: str, fmt: str, title: str):
    year = _schedule_year(campuses)
    plans = queries.schedule(campuses, year)
    label = school_year_label(year)
    if fmt == "csv":
        filename = f"drill-schedule-{name}-{label}.csv"
        return Response(
            export.schedule_csv(plans, label, _label),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    from safetyops.core.pdf import html_to_pdf

    html = render_template(
        "postings/schedule.html",
        plans=plans,
        campuses=campuses,
        year_label=label,
        title=title,
        label=_label,
        generated=campus_today(campuses[0]) if campuses else None,
        format_date=format_date,
    )
    return Response(
        html_to_pdf(html, request.url_root, current_app.static_folder, tagged=True),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="drill-schedule-{name}-{label}.pdf"'},
    )


@bp.route("/campuses/<code>/drill-schedule.<any(csv, pdf):fmt>")
@allow(*SCHEDULE_READERS)
def campus_schedule(code: str, fmt: str):
    campus = campus_for(current_user, code)
    return _schedule_response([campus], campus.code, fmt, campus.name)


@bp.route("/drill-schedule.<any(csv, pdf):fmt>")
@allow(*SCHEDULE_READERS)
def district_schedule(fmt: str):
    """Every campus the user may see (the whole district for the safety department)."""
    campuses = list(db.session.scalars(visible_campuses(current_user)))
    return _schedule_response(campuses, "district", fmt, _("Planned drills, all campuses"))
