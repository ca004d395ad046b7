"""Calendar CSV files (terms and closed days), validated as a whole."""

from __future__ import annotations

from flask_babel import gettext as _

from safetyops.calendar.schemas import CalendarRow
from safetyops.core.csv import ParsedFile, RowError, check_unique, read_csv, row_problems


def parse_calendar(text: str, known_campus_codes: set[str]) -> ParsedFile:
    """Columns ``campus_code,kind,name,start_date,end_date``; an empty campus_code means
    every campus; ``kind`` is ``term`` or ``closed``; dates are ISO 8601 within the accepted
    range (each row checked by ``CalendarRow``)."""
    rows, errors = read_csv(text, ["campus_code", "kind", "name", "start_date", "end_date"])
    result = ParsedFile(errors=errors)
    for line, v in rows:
        code = v["campus_code"].upper() or None
        values = {**v, "kind": v["kind"].lower(), "end_date": v["end_date"] or None}
        row, problems = row_problems(CalendarRow, values)
        if code is not None and code not in known_campus_codes:
            problems.insert(0, _("unknown campus_code %(value)s", value=repr(v["campus_code"])))
        result.errors.extend(RowError(line, p) for p in problems)
        if isinstance(row, CalendarRow) and not problems:
            result.rows.append(
                {
                    "campus_code": code,
                    "kind": row.kind.value,
                    "name": row.name,
                    "start_date": row.start_date,
                    "end_date": row.end_date or row.start_date,
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
