"""Weekly report PDFs as files (issue 16): the Monday snapshot's PDF is rendered once by the
scheduler and opening it is a file send; a campus's snapshot PDF is kept after its first
render; a live PDF of many campuses is made in the background with a progress page."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader
from sqlalchemy import func, select

from safetyops.core.storage import report_store
from safetyops.reports import files
from safetyops.reports.models import ReportFile, ReportFileStatus
from safetyops.scheduler.registry import run_job
from tests.reports.test_weekly_report import WEEK, week  # noqa: F401 - the fixture

MONDAY = datetime(2026, 11, 16, 13, 5, tzinfo=UTC)  # 06:05 in Denver


def _files(db) -> list[ReportFile]:
    return list(db.session.scalars(select(ReportFile).order_by(ReportFile.id)))


def test_monday_job_stores_the_district_pdf_and_opening_it_sends_the_file(
    app,
    client,
    db,
    week,  # noqa: F811
):
    run_job("weekly-report", now=MONDAY)
    [stored] = _files(db)
    assert stored.status == ReportFileStatus.DONE and stored.campus_code is None
    assert not stored.live and stored.requested_by_id is None
    body = report_store().read(stored.name)
    assert body is not None and body.startswith(b"%PDF") and stored.size == len(body)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "Campus AAA" in text and "Campus BBB" in text
    run_job("weekly-report", now=MONDAY)  # a second run renders nothing again
    assert len(_files(db)) == 1

    client.login(week["admin"])
    pdf = client.get(f"/reports/weekly?week={WEEK}&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data == body  # the stored file, not a new rendering
    assert f"safety-report-{WEEK}.pdf" in pdf.headers["Content-Disposition"]


def test_a_campus_snapshot_pdf_is_kept_after_its_first_render(
    app,
    client,
    db,
    week,  # noqa: F811
):
    run_job("weekly-report", now=MONDAY)
    client.login(week["principal_a"])
    first = client.get(f"/reports/weekly?week={WEEK}&campus=AAA&format=pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    kept = [f for f in _files(db) if f.campus_code == "AAA"]
    assert len(kept) == 1 and kept[0].status == ReportFileStatus.DONE
    again = client.get(f"/reports/weekly?week={WEEK}&campus=AAA&format=pdf")
    assert again.data == first.data
    assert len([f for f in _files(db) if f.campus_code == "AAA"]) == 1
    # Another campus's stored file is not reachable through the principal's report.
    assert client.get(f"/reports/weekly?week={WEEK}&campus=BBB&format=pdf").status_code == 400


def test_a_large_live_pdf_is_made_in_the_background_with_progress(
    app,
    client,
    db,
    week,  # noqa: F811
    make_user,
    monkeypatch,
):
    monkeypatch.setattr(files, "INLINE_MAX_CAMPUSES", 1)  # two campuses count as large here
    client.login(week["admin"])
    asked = client.get(f"/reports/weekly?week={WEEK}&live=1&format=pdf")
    assert asked.status_code == 303
    page_url = asked.headers["Location"]
    waiting = client.get(page_url).get_data(as_text=True)
    assert "<progress" in waiting and 'http-equiv="refresh"' in waiting
    assert "waiting for the scheduler" in waiting
    # A second click waits for the same file.
    again = client.get(f"/reports/weekly?week={WEEK}&live=1&format=pdf")
    assert again.headers["Location"] == page_url
    [job] = _files(db)
    assert job.live and job.status == ReportFileStatus.QUEUED

    assert run_job("report-files")["made"] == 1
    db.session.expire_all()
    assert job.status == ReportFileStatus.DONE and job.progress == 100
    ready = client.get(page_url).get_data(as_text=True)
    assert "The PDF is ready." in ready and 'http-equiv="refresh"' not in ready
    pdf = client.get(f"/reports/files/{job.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Campus AAA" in text and "Campus BBB" in text
    client.logout()

    other = make_user("safety_admin")
    client.login(other)  # another reader does not get someone else's file
    assert client.get(page_url).status_code == 404
    assert client.get(f"/reports/files/{job.id}.pdf").status_code == 404
    assert db.session.scalar(select(func.count(ReportFile.id))) == 1


def test_a_failed_background_pdf_says_so(app, client, db, week, monkeypatch):  # noqa: F811
    monkeypatch.setattr(files, "INLINE_MAX_CAMPUSES", 1)
    client.login(week["admin"])
    page_url = client.get(f"/reports/weekly?week={WEEK}&live=1&format=pdf").headers["Location"]
    monkeypatch.setattr(files, "render_pdf", None)  # the job fails half-way: not callable
    assert run_job("report-files")["failed"] == 1
    page = client.get(page_url).get_data(as_text=True)
    assert "could not be made" in page and "Try again" in page


def test_a_stored_file_lost_from_the_store_is_made_again(
    app,
    client,
    db,
    week,  # noqa: F811
):
    run_job("weekly-report", now=MONDAY)
    [stored] = _files(db)
    assert report_store().delete(stored.name)
    client.login(week["admin"])
    lost = client.get(f"/reports/weekly?week={WEEK}&format=pdf")
    assert lost.status_code == 503 and lost.headers["Retry-After"] == "30"
    db.session.expire_all()
    assert stored.status == ReportFileStatus.FAILED
    # The next request finds no stored file: two campuses are rendered here and kept again.
    again = client.get(f"/reports/weekly?week={WEEK}&format=pdf")
    assert again.status_code == 200 and again.data.startswith(b"%PDF")
    assert [f.status for f in _files(db)] == [ReportFileStatus.FAILED, ReportFileStatus.DONE]
