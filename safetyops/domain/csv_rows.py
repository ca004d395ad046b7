"""Validating CSV files as a whole: every bad row reported with its line number.

Pure functions over text; the services decide what to write once a file is clean.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")

GRADE_BANDS = ("elementary", "middle", "high", "k8", "k12", "other")
CHECKPOINT_KINDS = ("exterior_door", "interior_door", "gate", "perimeter", "parking_lot", "other")
EXPECTED_STATES = ("locked", "closed", "clear", "secure")


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ParsedFile:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_csv(
    text: str, required: Iterable[str], optional: Iterable[str] = ()
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """Rows with their file line numbers, after checking the header."""
    required, optional = list(required), list(optional)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required and c not in optional]
    errors = []
    if not header:
        return [], [RowError(1, "the file is empty; expected a header row")]
    if missing:
        errors.append(RowError(1, f"missing column(s): {', '.join(missing)}"))
    if unknown:
        errors.append(RowError(1, f"unknown column(s): {', '.join(unknown)}"))
    if errors:
        return [], errors
    reader.fieldnames = header
    rows = []
    for record in reader:
        line = reader.line_num
        if None in record:
            errors.append(RowError(line, "more values than columns"))
            continue
        values = {k: (v or "").strip() for k, v in record.items()}
        if not any(values.values()):
            continue  # blank line
        rows.append((line, values))
    if not rows and not errors:
        errors.append(RowError(1, "the file has a header but no rows"))
    return rows, errors


def _check_unique(
    rows: list[tuple[int, dict]], key: Callable[[dict], Any], label: str
) -> list[RowError]:
    seen: dict[Any, int] = {}
    errors = []
    for line, values in rows:
        k = key(values)
        if k in seen:
            errors.append(RowError(line, f"{label} repeats line {seen[k]}"))
        else:
            seen[k] = line
    return errors


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
    result.errors.extend(_check_unique(rows, lambda v: v["code"].upper(), "code"))
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
        _check_unique(rows, lambda v: (v["campus_code"].upper(), v["name"]), "campus_code+name")
    )
    result.errors.sort(key=lambda e: e.line)
    return result


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


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
        start, end = _iso_date(v["start_date"]), _iso_date(v["end_date"] or v["start_date"])
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
        _check_unique(
            rows,
            lambda v: (v["campus_code"].upper(), v["kind"].lower(), v["name"], v["start_date"]),
            "campus_code+kind+name+start_date",
        )
    )
    result.errors.sort(key=lambda e: e.line)
    return result


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
                    "conducted_by": v.get("conducted_by", "")[:160],
                    "debrief_notes": v.get("notes", ""),
                    **flags,
                }
            )
    result.errors.extend(
        _check_unique(
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
