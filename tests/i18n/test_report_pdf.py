"""The weekly report PDF in the reader's language, also when PDFs are kept as files: the
stored snapshot PDF is the default language's; a Spanish reader gets one made in Spanish,
and a background PDF is made in its requester's language."""

from __future__ import annotations

import io

from pypdf import PdfReader

from safetyops.reports import files
from safetyops.scheduler.registry import run_job
from tests.reports.test_report_files import MONDAY, _files
from tests.reports.test_weekly_report import WEEK, week  # noqa: F401 - the fixture


def _text(body: bytes) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).split())


def test_a_stored_snapshot_pdf_is_not_sent_to_a_reader_of_another_language(
    client,
    db,
    make_client,
    week,  # noqa: F811
):
    run_job("weekly-report", now=MONDAY)  # the district PDF, stored in English
    client.login(week["admin"])
    english = client.get(f"/reports/weekly?week={WEEK}&format=pdf")
    assert "Weekly safety report" in _text(english.data)

    spanish = make_client()
    spanish.login(week["viewer"])
    pdf = spanish.get(f"/reports/weekly?week={WEEK}&format=pdf", headers={"Accept-Language": "es"})
    assert pdf.status_code == 200 and pdf.data != english.data
    text = _text(pdf.data)
    assert "Informe semanal de seguridad" in text and "Hallazgos por tipo" in text
    assert "Weekly safety report" not in text
    # A Spanish campus PDF is not kept for the next (English) reader either.
    spanish.get(
        f"/reports/weekly?week={WEEK}&campus=AAA&format=pdf", headers={"Accept-Language": "es"}
    )
    assert not [f for f in _files(db) if f.campus_code == "AAA"]


def test_a_background_pdf_is_made_in_its_requesters_language(
    client,
    db,
    week,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(files, "INLINE_MAX_CAMPUSES", 1)
    week["admin"].locale = "vi"
    db.session.commit()
    client.login(week["admin"])
    asked = client.get(f"/reports/weekly?week={WEEK}&live=1&format=pdf")
    assert asked.status_code == 303
    assert run_job("report-files")["made"] == 1
    [job] = _files(db)
    pdf = client.get(f"/reports/files/{job.id}.pdf")
    text = _text(pdf.data)
    assert "Báo cáo an toàn hằng tuần" in text and "Weekly safety report" not in text
