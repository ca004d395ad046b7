"""Weekly report helpers: ISO weeks, percentages and chart escaping."""

from datetime import date

import pytest

from safetyops.reports.domain import bar_chart, parse_week, percent, shift_week, week_label


def test_iso_weeks():
    assert parse_week("2026-W47") == (date(2026, 11, 16), date(2026, 11, 22))
    assert parse_week("2026-W01")[0] == date(2025, 12, 29)
    assert week_label(date(2027, 1, 1)) == "2026-W53"
    assert shift_week("2026-W53", 1) == "2027-W01"
    for bad in ("2026-47", "2026-W54", "", "W47"):
        with pytest.raises(ValueError):
            parse_week(bad)


def test_percent_and_charts_escape_labels():
    assert percent(4, 5) == 80.0 and percent(0, 0) is None
    svg = bar_chart([("<script>alert(1)</script>", 50.0), ("Empty", None)], "Rounds & more")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Rounds &amp; more" in svg and "no data" in svg


def test_a_week_past_the_last_representable_day_is_refused_not_an_overflow():
    import pytest

    from safetyops.reports.domain import parse_week

    with pytest.raises(ValueError):
        parse_week("9999-W52")
