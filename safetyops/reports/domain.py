"""Weekly report helpers with no Flask and no database: ISO weeks, percentages, trends and
server-rendered SVG charts (no CDN, no script; they print)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from html import escape
from typing import Any

from safetyops.compliance.engine import RequirementStatus

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(label: str) -> tuple[date, date]:
    """``2026-W47`` -> (Monday 16 Nov 2026, Sunday 22 Nov 2026). Raises ValueError."""
    match = WEEK_RE.match(label or "")
    if not match:
        raise ValueError("week must look like 2026-W47")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        return monday, monday + timedelta(days=6)
    except OverflowError:  # the last week of year 9999 ends in year 10000
        raise ValueError("week is out of range") from None


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def previous_week(day: date) -> str:
    return week_label(day - timedelta(days=7))


def shift_week(label: str, weeks: int) -> str:
    monday, _ = parse_week(label)
    return week_label(monday + timedelta(weeks=weeks))


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# ---- SVG -------------------------------------------------------------------------------------

# The report counts this term's requirements by status; "not required" is left out.
REPORTED_STATUSES = tuple(s for s in RequirementStatus if s != RequirementStatus.NOT_REQUIRED)
STATUS_COLOURS = {
    RequirementStatus.MET: "#1b7f3b",
    RequirementStatus.LATE: "#8a6d00",
    RequirementStatus.DUE: "#0b5cad",
    RequirementStatus.OVERDUE: "#b3261e",
    RequirementStatus.UPCOMING: "#9aa0a6",
}


# The charts' words in English; the pages pass the reader's (reports/views.py CHART_WORDS).
CHART_WORDS: dict[str, str] = {
    "completion": "Rounds completed (%)",
    "completion_lowest": "Rounds completed (%), lowest first",
    "findings": "Findings opened per week",
    "compliance": "Drill requirements this term",
    "no_data": "no data",
    **{str(status): str(status).replace("_", " ") for status in RequirementStatus},
}


def _number(value: float) -> str:
    return f"{value:g}"


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    title: str,
    maximum: float = 100,
    unit: str = "%",
    no_data: str = "no data",
    number: Callable[[float], str] = _number,
) -> str:
    """Horizontal bars, one per row (label, value); None draws "no data". ``number``
    writes a value in the reader's locale."""
    bar_h, gap, label_w, width = 18, 6, 190, 560
    height = 28 + len(rows) * (bar_h + gap)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(rows):
        y = 28 + i * (bar_h + gap)
        out.append(
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="11" text-anchor="end">'
            f"{escape(label[:30])}</text>"
        )
        if value is None:
            out.append(
                f'<text x="{label_w}" y="{y + 13}" font-size="11" fill="#595959">'
                f"{escape(no_data)}</text>"
            )
            continue
        w = 0 if not maximum else max(1, (width - label_w - 60) * min(value, maximum) / maximum)
        colour = "#1b7f3b" if value >= 95 else "#8a6d00" if value >= 80 else "#b3261e"
        out.append(
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>'
        )
        out.append(
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" font-size="11">'
            f"{escape(number(value))}{unit}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def column_chart(points: Sequence[tuple[str, int]], title: str) -> str:
    """Vertical bars over time (e.g. findings opened per week)."""
    width, height, top, bottom, left = 560, 190, 26, 34, 30
    top_value = max([v for _, v in points] + [1])
    step = (width - left) / max(len(points), 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        f'stroke="#999"/>',
    ]
    plot = height - top - bottom
    for i, (label, value) in enumerate(points):
        h = plot * value / top_value
        x = left + i * step + step * 0.15
        out.append(
            f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="#0b5cad"/>'
        )
        out.append(
            f'<text x="{x + step * 0.35:.1f}" y="{height - bottom - h - 3:.1f}" font-size="10" '
            f'text-anchor="middle">{value}</text>'
        )
        out.append(
            f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 14}" font-size="9" '
            f'text-anchor="middle">{escape(label[-3:])}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def status_bar(counts: dict[str, int], title: str, words: Mapping[str, str] | None = None) -> str:
    """One stacked bar of requirement statuses, with a legend in words (not colour only)."""
    width, height = 560, 70
    total = sum(counts.get(s, 0) for s in STATUS_COLOURS) or 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    x = 0.0
    legend_x = 0
    for status, colour in STATUS_COLOURS.items():
        value = counts.get(status, 0)
        w = width * value / total
        if value:
            out.append(f'<rect x="{x:.1f}" y="24" width="{w:.1f}" height="20" fill="{colour}"/>')
        x += w
        out.append(f'<rect x="{legend_x}" y="52" width="10" height="10" fill="{colour}"/>')
        out.append(
            f'<text x="{legend_x + 14}" y="61" font-size="11">'
            f"{escape((words or CHART_WORDS).get(status, status))} "
            f"{value}</text>"
        )
        legend_x += 110
    out.append("</svg>")
    return "".join(out)


def chart_series(
    data: dict[str, Any], words: Mapping[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """What each of the report's charts shows: its title and its (label, value) rows. The
    charts draw these rows, and the page prints them as a table beside each chart (the
    chart's text alternative), so the two cannot disagree."""
    words = {**CHART_WORDS, **(words or {})}
    sections = data["campuses"]
    lowest = sorted(
        sections, key=lambda s: (s["completion_pct"] is None, s["completion_pct"] or 0)
    )[:30]
    district = data.get("district")
    trend = district["trend"] if district else (sections[0]["trend"] if sections else [])
    if district is None and sections:
        trend = [
            {"week": t["week"], "findings": sum(s["trend"][i]["findings"] for s in sections)}
            for i, t in enumerate(sections[0]["trend"])
        ]
    counts: dict[str, int] = {}
    for s in sections:
        for status, n in s["compliance"].items():
            counts[status] = counts.get(status, 0) + n
    return {
        "completion": {
            "title": words["completion_lowest"] if len(sections) > 30 else words["completion"],
            "rows": [(s["name"], s["completion_pct"]) for s in lowest],
        },
        "findings": {
            "title": words["findings"],
            "rows": [(t["week"], t["findings"]) for t in trend],
        },
        "compliance": {
            "title": words["compliance"],
            "rows": [(str(status), counts.get(status, 0)) for status in REPORTED_STATUSES],
        },
    }


def report_charts(
    data: dict[str, Any],
    words: Mapping[str, str] | None = None,
    number: Callable[[float], str] = _number,
) -> dict[str, str]:
    """The report's three SVG charts from its figures: completion by campus (the 30 lowest
    when there are more), findings per week, and compliance statuses this term. ``words``
    are the titles and status names in the reader's language (keys of CHART_WORDS)."""
    words = {**CHART_WORDS, **(words or {})}
    series = chart_series(data, words)
    completion, findings, compliance = (
        series["completion"],
        series["findings"],
        series["compliance"],
    )
    return {
        "completion": bar_chart(
            completion["rows"], completion["title"], no_data=words["no_data"], number=number
        ),
        "findings": column_chart(findings["rows"], findings["title"]),
        "compliance": status_bar(dict(compliance["rows"]), compliance["title"], words),
    }
