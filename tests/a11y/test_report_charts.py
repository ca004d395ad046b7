"""The weekly report's charts have text alternatives: each chart's numbers printed as a
table beside it, from the same rows the chart draws (reports.domain.chart_series)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safetyops.reports.domain import REPORTED_STATUSES, chart_series, report_charts
from tests.a11y.conftest import sign_in_as
from tests.a11y.test_axe import _context


def _section(name: str, pct: float | None, findings: list[int], compliance: dict) -> dict:
    weeks = [f"2026-W{40 + i}" for i in range(len(findings))]
    return {
        "name": name,
        "completion_pct": pct,
        "trend": [{"week": w, "findings": n} for w, n in zip(weeks, findings, strict=True)],
        "compliance": compliance,
    }


def test_the_charts_and_their_tables_come_from_the_same_rows():
    data = {
        "campuses": [
            _section("Aspen", 92.5, [1, 0, 3], {"met": 2, "overdue": 1}),
            _section("Birch", None, [0, 2, 1], {"met": 1, "due": 1, "not_required": 4}),
        ],
        "district": None,
    }
    series = chart_series(data)
    assert series["completion"]["rows"] == [("Aspen", 92.5), ("Birch", None)]
    # no district figures: the campuses' weeks are added up
    assert series["findings"]["rows"] == [("2026-W40", 1), ("2026-W41", 2), ("2026-W42", 4)]
    compliance = dict(series["compliance"]["rows"])
    assert list(compliance) == [str(s) for s in REPORTED_STATUSES]  # every status, in order
    assert compliance["met"] == 3 and compliance["overdue"] == 1 and compliance["due"] == 1
    assert "not_required" not in compliance
    charts = report_charts(data)
    for key, chart in charts.items():
        assert f"<title>{series[key]['title']}</title>" in chart
    assert "92.5%" in charts["completion"] and "no data" in charts["completion"]


def test_more_than_30_campuses_chart_the_lowest_and_say_so():
    data = {
        "campuses": [_section(f"C{i:02d}", float(i), [0], {}) for i in range(40)],
        "district": {"trend": [{"week": "2026-W40", "findings": 0}]},
    }
    series = chart_series(data, {"completion_lowest": "lowest first"})
    assert series["completion"]["title"] == "lowest first"
    assert [name for name, _ in series["completion"]["rows"]] == [f"C{i:02d}" for i in range(30)]


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "es"])
def test_each_chart_on_the_weekly_report_has_its_table(browser, demo_server, language):
    demo_server.set_locale(language)
    context = _context(browser, {"en": "en-US", "es": "es-ES"}[language])
    page = context.new_page()
    sign_in_as(page, demo_server.url, "admin")
    page.goto(demo_server.path("/reports/weekly"))
    figures = page.locator(".report-charts figure")
    expect(figures).to_have_count(3)
    for index in range(3):
        figure = figures.nth(index)
        title = figure.locator("svg > title").text_content()
        # the table is named by the chart's title, in the reader's language
        expect(figure.locator("table caption")).to_have_text(title or "")
        assert figure.locator("table tbody tr").count() >= 1
    campuses = page.locator(".campus-section").count()
    completion = page.locator("#chart-completion table tbody tr")
    expect(completion).to_have_count(min(campuses, 30))
    bars = page.locator("#chart-findings svg rect").count()
    expect(page.locator("#chart-findings table tbody tr")).to_have_count(bars)
    expect(page.locator("#chart-compliance table tbody tr")).to_have_count(len(REPORTED_STATUSES))
    # the status words in the table are the legend's words, not colours
    legend = page.locator("#chart-compliance svg text").all_text_contents()
    for row in page.locator("#chart-compliance table tbody th").all_text_contents():
        assert any(text.startswith(row.strip()) for text in legend), row
    context.close()
