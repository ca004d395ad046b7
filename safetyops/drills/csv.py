"""Drill-log CSV files (paper and spreadsheet logs), validated as a whole: each row's shape
by ``DrillRow``; the operation then checks each row as a drill (``DrillIn``, as the form)."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from safetyops.core.csv import ParsedFile, RowError, check_unique, read_csv, row_problems
from safetyops.drills.schemas import DrillRow


def parse_drills(
    text: str, known_campus_codes: set[str], type_of: Callable[[str], str | None]
) -> ParsedFile:
    """Columns ``campus_code,type,started_at,ended_at,real_event,announced,conducted_by,
    notes``. Times are ISO 8601 in the campus's local time (returned naive); ``type`` may
    be a synonym (``type_of`` maps it to a canonical type or None)."""
    rows, errors = read_csv(
        text,
        ["campus_code", "type", "started_at"],
        ["ended_at", "real_event", "announced", "conducted_by", "notes"],
    )
    result = ParsedFile(errors=errors)
    for line, v in rows:
        row, shape = row_problems(DrillRow, v)
        problems = []
        code = v["campus_code"].upper()
        if code and code not in known_campus_codes:
            problems.append(_("unknown campus_code %(value)s", value=repr(v["campus_code"])))
        drill_type = type_of(v["type"]) if v["type"] else None
        if v["type"] and drill_type is None:
            problems.append(_("unknown drill type %(value)s", value=repr(v["type"])))
        problems.extend(shape)
        result.errors.extend(RowError(line, p) for p in problems)
        if isinstance(row, DrillRow) and not problems:
            result.rows.append(
                {
                    "campus_code": code,
                    "drill_type": drill_type,
                    "started_at": row.started_at,
                    "ended_at": row.ended_at,
                    "line": line,
                    "conducted_by": row.conducted_by,
                    "debrief_notes": row.notes,
                    "real_event": row.real_event,
                    "announced": row.announced,
                }
            )
    result.errors.extend(
        check_unique(
            rows,
            lambda v: (
                v["campus_code"].upper(),
                (type_of(v["type"]) or v["type"]),
                v["started_at"],
            ),
            "campus_code+type+started_at",
        )
    )
    result.errors.sort(key=lambda e: e.line)
    return result
