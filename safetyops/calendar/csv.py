"""Calendar CSV files (terms and closed days), validated as a whole."""

from __future__ import annotations

from safetyops.core.csv import ParsedFile, RowError, check_unique, iso_date, read_csv


def parse_calendar(text: str, known_campus_codes: set[str]) -> ParsedFile:
    """Columns ``campus_code,kind,name,start_date,end_date``; an empty campus_code means
    every campus; ``kind`` is ``term`` or ``closed``; dates are ISO 8601."""
    rows, errors = read_csv(text, ["campus_code", "kind", "name", "start_date", "end_date"])
    result = ParsedFile(errors=errors)
    for line, v in rows:
        problems = []
        code = v["campus_code"].upper() or None
        if code is not None and code not in known_campus_codes:
            problems.append(f"unknown campus_code {v['campus_code']!r}")
        kind = v["kind"].lower()
        if kind not in ("term", "closed"):
            problems.append(f"kind {v['kind']!r} must be 'term' or 'closed'")
        if not v["name"]:
            problems.append("name is empty")
        elif len(v["name"]) > 120:
            problems.append("name is longer than 120 characters")
        start, end = iso_date(v["start_date"]), iso_date(v["end_date"] or v["start_date"])
        if start is None:
            problems.append(f"start_date {v['start_date']!r} is not a date (YYYY-MM-DD)")
        if end is None:
            problems.append(f"end_date {v['end_date']!r} is not a date (YYYY-MM-DD)")
        if start and end and end < start:
            problems.append("end_date is before start_date")
        if kind == "term" and start and end and (end - start).days > 366:
            problems.append("a term longer than a year: check the dates")
        result.errors.extend(RowError(line, p) for p in problems)
        if not problems:
            result.rows.append(
                {
                    "campus_code": code,
                    "kind": kind,
                    "name": v["name"],
                    "start_date": start,
                    "end_date": end,
                }
            )
    result.errors.extend(
        check_unique(
            rows,
            lambda v: (v["campus_code"].upper(), v["kind"].lower(), v["name"], v["start_date"]),
            "campus_code+kind+name+start_date",
        )
    )
    result.errors.sort(key=lambda e: e.line)
    return result
