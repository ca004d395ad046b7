"""Weekly report PDFs kept as files: the Monday snapshot's district PDF rendered once by the
scheduler (opening it is a file send), a campus's snapshot PDF kept after its first render,
and the PDFs too large to render inside a request (the whole district, about 100 pages and
30 s of WeasyPrint) made by the scheduler's ``report-files`` job with a progress page."""

from __future__ import annotations

from datetime import datetime

from flask import Response, current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from safetyops.accounts.models import User
from safetyops.core import i18n
from safetyops.core.access import visible_campuses
from safetyops.core.db import utcnow
from safetyops.core.storage import report_store
from safetyops.extensions import db
from safetyops.reports import queries as reports
from safetyops.reports.models import ReportFile, ReportFileStatus, WeeklyReport

# More campuses than this in one PDF: made in the background, never inside a request.
INLINE_MAX_CAMPUSES = 10
STAGES = {
    "queued": _l("waiting for the scheduler"),
    "figures": _l("gathering the figures"),
    "layout": _l("laying out the pages"),
    "done": _l("ready"),
    "failed": _l("failed"),
}


def stage_words() -> dict[str, str]:
    return {key: str(text) for key, text in STAGES.items()}


def file_name(label: str, campus_code: str | None) -> str:
    return f"safety-report-{label}{'-' + campus_code if campus_code else ''}.pdf"


def pdf_response(body: bytes, name: str) -> Response:
    return Response(
        body, mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )  # fmt: skip


def stored(label: str, campus_code: str | None, live: bool = False) -> ReportFile | None:
    """The stored PDF of a snapshot (``live`` False) for the district or one campus."""
    if live:
        return None  # live figures change: a live PDF is made for its requester each time
    return db.session.scalar(
        select(ReportFile)
        .where(
            ReportFile.week == label,
            ReportFile.campus_code.is_(None) if campus_code is None
            else ReportFile.campus_code == campus_code,
            ReportFile.live.is_(False),
            ReportFile.status == ReportFileStatus.DONE,
        )
        .order_by(ReportFile.id.desc())
        .limit(1)
    )  # fmt: skip


def send(job: ReportFile) -> Response:
    body = report_store().read(job.name)
    if body is None:  # the store lost it: make it again next time
        db.session.execute(
            update(ReportFile).where(ReportFile.id == job.id)
            .values(status=ReportFileStatus.FAILED, error="the stored file is missing")
        )  # fmt: skip
        db.session.commit()
        return Response(status=503, headers={"Retry-After": "30"})
    return pdf_response(body, file_name(job.week, job.campus_code))


def render_pdf(label: str, data: dict, snapshot: WeeklyReport | None, campus_code: str | None):
    from safetyops.core.pdf import html_to_pdf
    from safetyops.reports.views import report_html

    html = report_html(label, data, snapshot, campus_code, pdf=True)
    base = current_app.config["BASE_URL"].rstrip("/") + "/"
    return html_to_pdf(html, base, current_app.static_folder)


def keep(label: str, campus_code: str | None, body: bytes, live: bool = False) -> ReportFile:
    """Store a rendered snapshot PDF and its row (done)."""
    job = ReportFile(week=label, campus_code=campus_code, live=live)
    db.session.add(job)
    db.session.flush()
    _save(job, body)
    db.session.commit()
    return job


def _save(job: ReportFile, body: bytes) -> None:
    job.name = f"report-{job.id}-{job.week}{'-' + job.campus_code if job.campus_code else ''}.pdf"
    report_store().save(job.name, body)
    job.size, job.status, job.progress, job.stage = len(body), ReportFileStatus.DONE, 100, "done"
    job.finished_at = utcnow()


def request_pdf(label: str, campus_code: str | None, user: User, live: bool) -> ReportFile:
    """Queue a PDF for the background (or the one already queued for this user)."""
    pending = db.session.scalar(
        select(ReportFile).where(
            ReportFile.week == label,
            ReportFile.requested_by_id == user.id,
            ReportFile.live.is_(live),
            ReportFile.status.in_([ReportFileStatus.QUEUED, ReportFileStatus.RUNNING]),
        )
    )
    if pending is not None:  # a double click waits for the same file
        return pending
    job = ReportFile(
        week=label, campus_code=campus_code, live=live, requested_by_id=user.id, stage="queued"
    )
    db.session.add(job)
    db.session.commit()
    return job


def visible_file(file_id: int, user: User) -> ReportFile | None:
    """A report file its requester may see (a stored snapshot file: the district's readers)."""
    job = db.session.get(ReportFile, file_id)
    if job is None:
        return None
    if job.requested_by_id == user.id:
        return job
    return job if job.requested_by_id is None and user.sees_all_campuses else None


def _progress(job: ReportFile, stage: str, percent: int) -> None:
    job.stage, job.progress = stage, percent
    db.session.commit()  # the progress page reads it from another process


def make(job: ReportFile) -> None:
    """Render a queued PDF: the requester's campuses (a snapshot's figures when not live)."""
    job.status = ReportFileStatus.RUNNING
    _progress(job, "figures", 10)
    user = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    snapshot = None if job.live else reports.snapshot_for(job.week)
    codes: set[str] | None = None
    if user is not None and not user.sees_all_campuses:
        codes = {c.code for c in db.session.scalars(visible_campuses(user))}
    if job.campus_code:
        codes = {job.campus_code} if codes is None or job.campus_code in codes else set()
    if snapshot is not None:
        data = snapshot.data
    else:
        campuses = list(db.session.scalars(visible_campuses(user))) if user else []
        if codes is not None:
            campuses = [c for c in campuses if c.code in codes]
        data = reports.build(job.week, campuses)
    data = reports.for_viewer(data, codes)
    _progress(job, "layout", 40)
    body = render_pdf(job.week, data, snapshot, job.campus_code)
    _save(job, body)
    db.session.commit()


def run(now: datetime | None = None) -> dict[str, int]:
    """The ``report-files`` job: make every queued PDF, oldest first."""
    made = failed = 0
    queued = db.session.scalars(
        select(ReportFile.id)
        .where(ReportFile.status == ReportFileStatus.QUEUED)
        .order_by(ReportFile.id)
    ).all()
    for file_id in queued:
        job = db.session.get(ReportFile, file_id)
        if job is None or job.status != ReportFileStatus.QUEUED:
            continue
        try:
            requester = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
            with (
                current_app.test_request_context(base_url=current_app.config["BASE_URL"]),
                force_locale(i18n.locale_for(requester)),  # the requester's language
            ):
                make(job)
            made += 1
        except Exception as exc:  # noqa: BLE001 - the page says it failed; the log says why
            current_app.logger.exception("report file %s failed", file_id)
            db.session.rollback()
            db.session.execute(
                update(ReportFile).where(ReportFile.id == file_id).values(
                    status=ReportFileStatus.FAILED, stage="failed", finished_at=utcnow(),
                    error=type(exc).__name__,
                )
            )  # fmt: skip
            db.session.commit()
            failed += 1
    return {"made": made, "failed": failed}


def store_snapshot_pdf(label: str) -> ReportFile | None:
    """The Monday snapshot's district PDF, rendered once (the weekly-report job)."""
    if stored(label, None) is not None:
        return None
    snapshot = reports.snapshot_for(label)
    if snapshot is None:
        return None
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        body = render_pdf(label, reports.for_viewer(snapshot.data, None), snapshot, None)
    return keep(label, None, body)
