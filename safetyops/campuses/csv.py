"""Campus and checkpoint CSV files, validated as a whole."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from safetyops.campuses.models import CheckpointKind, ExpectedState, GradeBand
from safetyops.campuses.schemas import CODE_PATTERN, CODE_WORDING, CampusRow, CheckpointRow
from safetyops.core.csv import ParsedFile, RowError, check_unique, read_csv, row_problems

# The admin forms' checks (campuses.operations) use the same definitions as the CSV rows.
CODE_RE = re.compile(CODE_PATTERN)
GRADE_BANDS = tuple(band.value for band in GradeBand)
CHECKPOINT_KINDS = tuple(kind.value for kind in CheckpointKind)
EXPECTED_STATES = tuple(state.value for state in ExpectedState)


def parse_campuses(text: str, known_timezones: set[str]) -> ParsedFile:
    """Columns ``code,name,timezone,address,grade_band`` (the last two may be empty); each
    row is checked by ``CampusRow``, then against the known time zones."""
    rows, errors = read_csv(text, ["code", "name", "timezone"], ["address", "grade_band"])
    result = ParsedFile(errors=errors)
    for line, v in rows:
        band = v.get("grade_band", "").lower() or None
        row, problems = row_problems(CampusRow, {**v, "grade_band": band}, CODE_WORDING)
        if v["timezone"] and v["timezone"] not in known_timezones:
            problems.append(
                _(
                    "unknown timezone %(value)s (use e.g. America/Denver)",
                    value=repr(v["timezone"]),
                )
            )
        result.errors.extend(RowError(line, p) for p in problems)
        if isinstance(row, CampusRow) and not problems:
            result.rows.append(
                {
                    "code": row.code.upper(),
                    "name": row.name,
                    "timezone": row.timezone,
                    "address": row.address,
                    "grade_band": row.grade_band.value if row.grade_band else "",
                }
            )
    result.errors.extend(check_unique(rows, lambda v: v["code"].upper(), "code"))
    result.errors.sort(key=lambda e: e.line)
    return result


def parse_checkpoints(text: str, known_campus_codes: set[str]) -> ParsedFile:
    """Columns ``campus_code,name,kind`` and optionally ``walk_order,expected_state,
    location_notes`` (checked by ``CheckpointRow``). Without walk_order, rows keep their
    order in the file."""
    rows, errors = read_csv(
        text, ["campus_code", "name", "kind"], ["walk_order", "expected_state", "location_notes"]
    )
    result = ParsedFile(errors=errors)
    position: dict[str, int] = {}
    for line, v in rows:
        code = v["campus_code"].upper()
        values = {
            **v,
            "kind": v["kind"].lower(),
            "expected_state": (v.get("expected_state") or "locked").lower(),
            "walk_order": v.get("walk_order") or None,
        }
        row, problems = row_problems(CheckpointRow, values)
        if code not in known_campus_codes:
            problems.insert(0, _("unknown campus_code %(value)s", value=repr(v["campus_code"])))
        position[code] = position.get(code, 0) + 1
        result.errors.extend(RowError(line, p) for p in problems)
        if isinstance(row, CheckpointRow) and not problems:
            result.rows.append(
                {
                    "campus_code": code,
                    "name": row.name,
                    "kind": row.kind.value,
                    "walk_order": row.walk_order
                    if row.walk_order is not None
                    else position[code] * 10,
                    "expected_state": row.expected_state.value,
                    "location_notes": row.location_notes,
                }
            )
    result.errors.extend(
        check_unique(rows, lambda v: (v["campus_code"].upper(), v["name"]), "campus_code+name")
    )
    result.errors.sort(key=lambda e: e.line)
    return result
