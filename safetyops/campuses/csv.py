"""Campus and checkpoint CSV files, validated as a whole."""

from __future__ import annotations

import re

from safetyops.campuses.models import CheckpointKind, ExpectedState, GradeBand
from safetyops.core.csv import ParsedFile, RowError, check_unique, read_csv

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


GRADE_BANDS = tuple(band.value for band in GradeBand)


CHECKPOINT_KINDS = tuple(kind.value for kind in CheckpointKind)


EXPECTED_STATES = tuple(state.value for state in ExpectedState)


def parse_campuses(text: str, known_timezones: set[str]) -> ParsedFile:
    """Columns ``code,name,timezone,address,grade_band`` (the last two may be empty)."""
    rows, errors = read_csv(text, ["code", "name", "timezone"], ["address", "grade_band"])
    result = ParsedFile(errors=errors)
    for line, v in rows:
        problems = []
        if not CODE_RE.match(v["code"]):
            problems.append(f"code {v['code']!r} must be 1-32 letters, digits, - or _")
        if not v["name"]:
            problems.append("name is empty")
        if v["timezone"] not in known_timezones:
            problems.append(f"unknown timezone {v['timezone']!r} (use e.g. America/Denver)")
        band = v.get("grade_band", "").lower()
        if band and band not in GRADE_BANDS:
            problems.append(f"grade_band {band!r} must be one of {', '.join(GRADE_BANDS)}")
        result.errors.extend(RowError(line, p) for p in problems)
        if not problems:
            result.rows.append(
                {
                    "code": v["code"].upper(),
                    "name": v["name"],
                    "timezone": v["timezone"],
                    "address": v.get("address", ""),
                    "grade_band": band,
                }
            )
    result.errors.extend(check_unique(rows, lambda v: v["code"].upper(), "code"))
    result.errors.sort(key=lambda e: e.line)
    return result


def parse_checkpoints(text: str, known_campus_codes: set[str]) -> ParsedFile:
    """Columns ``campus_code,name,kind`` and optionally ``walk_order,expected_state,
    location_notes``. Without walk_order, rows keep their order in the file."""
    rows, errors = read_csv(
        text, ["campus_code", "name", "kind"], ["walk_order", "expected_state", "location_notes"]
    )
    result = ParsedFile(errors=errors)
    position: dict[str, int] = {}
    for line, v in rows:
        problems = []
        code = v["campus_code"].upper()
        if code not in known_campus_codes:
            problems.append(f"unknown campus_code {v['campus_code']!r}")
        if not v["name"]:
            problems.append("name is empty")
        elif len(v["name"]) > 160:
            problems.append("name is longer than 160 characters")
        kind = v["kind"].lower()
        if kind not in CHECKPOINT_KINDS:
            problems.append(f"kind {v['kind']!r} must be one of {', '.join(CHECKPOINT_KINDS)}")
        state = (v.get("expected_state") or "locked").lower()
        if state not in EXPECTED_STATES:
            problems.append(f"expected_state {state!r} must be one of {', '.join(EXPECTED_STATES)}")
        position[code] = position.get(code, 0) + 1
        order_text = v.get("walk_order", "")
        walk_order = position[code] * 10
        if order_text:
            try:
                walk_order = int(order_text)
            except ValueError:
                problems.append(f"walk_order {order_text!r} is not a whole number")
        result.errors.extend(RowError(line, p) for p in problems)
        if not problems:
            result.rows.append(
                {
                    "campus_code": code,
                    "name": v["name"],
                    "kind": kind,
                    "walk_order": walk_order,
                    "expected_state": state,
                    "location_notes": v.get("location_notes", ""),
                }
            )
    result.errors.extend(
        check_unique(rows, lambda v: (v["campus_code"].upper(), v["name"]), "campus_code+name")
    )
    result.errors.sort(key=lambda e: e.line)
    return result
