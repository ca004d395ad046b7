"""Campus-area CSV files, validated as a whole (the rows' shape is ``AreaRow``)."""

from __future__ import annotations

from flask_babel import gettext as _

from safetyops.core.csv import ParsedFile, RowError, check_unique, read_csv, row_problems
from safetyops.live.schemas import AreaRow


def parse_areas(text: str, known_campus_codes: set[str]) -> ParsedFile:
    """Columns ``campus_code,name`` and optionally ``kind,position``. Without a position,
    rows keep their order in the file (10, 20, ... per campus)."""
    rows, errors = read_csv(text, ["campus_code", "name"], ["kind", "position"])
    result = ParsedFile(errors=errors)
    position: dict[str, int] = {}
    for line, v in rows:
        code = v["campus_code"].upper()
        values = {
            **v,
            "kind": (v.get("kind") or "building").lower(),
            "position": v.get("position") or None,
        }
        row, problems = row_problems(AreaRow, values)
        if code not in known_campus_codes:
            problems.insert(0, _("unknown campus_code %(value)s", value=repr(v["campus_code"])))
        position[code] = position.get(code, 0) + 1
        result.errors.extend(RowError(line, p) for p in problems)
        if isinstance(row, AreaRow) and not problems:
            result.rows.append(
                {
                    "campus_code": code,
                    "name": row.name,
                    "kind": row.kind.value,
                    "position": row.position if row.position is not None else position[code] * 10,
                }
            )
    result.errors.extend(
        check_unique(
            rows, lambda v: (v["campus_code"].upper(), v["name"].strip()), "campus_code+name"
        )
    )
    result.errors.sort(key=lambda e: e.line)
    return result
