"""Drill-log CSV files (paper and spreadsheet logs), validated as a whole."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from safetyops.core.csv import ParsedFile, RowError, check_unique, read_csv

TRUE_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


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
        problems = []
        code = v["campus_code"].upper()
        if code not in known_campus_codes:
            problems.append(f"unknown campus_code {v['campus_code']!r}")
        drill_type = type_of(v["type"]) if v["type"] else None
        if drill_type is None:
            problems.append(f"unknown drill type {v['type']!r}")
        started = _local_datetime(v["started_at"])
        if started is None:
            problems.append(f"started_at {v['started_at']!r} is not a date and time")
        ended = None
        if v.get("ended_at"):
            ended = _local_datetime(v["ended_at"])
            if ended is None:
                problems.append(f"ended_at {v['ended_at']!r} is not a date and time")
            elif started and ended < started:
                problems.append("ended_at is before started_at")
        flags = {}
        for name, default in (("real_event", False), ("announced", True)):
            word = (v.get(name) or "").lower()
            if word and word not in TRUE_WORDS:
                problems.append(f"{name} {v[name]!r} must be true or false")
            flags[name] = TRUE_WORDS.get(word, default) if word else default
        result.errors.extend(RowError(line, p) for p in problems)
        if not problems:
            result.rows.append(
                {
                    "campus_code": code,
                    "drill_type": drill_type,
                    "started_at": started,
                    "ended_at": ended,
                    "line": line,
                    "conducted_by": v.get("conducted_by", ""),
                    "debrief_notes": v.get("notes", ""),
                    **flags,
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


def _local_datetime(text: str) -> datetime | None:
    """A naive local date-time; a value with an offset is refused (times are campus-local)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is None else None
