"""Validating CSV files as a whole: every bad row reported with its line number.

Pure functions over text; the services decide what to write once a file is clean. The
messages are translated (gettext: the request's language on a page, English on the CLI);
column names and values stay as written in the file.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s", line=self.line, message=self.message)


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
        return [], [RowError(1, _("the file is empty; expected a header row"))]
    if missing:
        errors.append(RowError(1, _("missing column(s): %(columns)s", columns=", ".join(missing))))
    if unknown:
        errors.append(RowError(1, _("unknown column(s): %(columns)s", columns=", ".join(unknown))))
    if errors:
        return [], errors
    reader.fieldnames = header
    rows = []
    for record in reader:
        line = reader.line_num
        if None in record:
            errors.append(RowError(line, _("more values than columns")))
            continue
        values = {k: (v or "").strip() for k, v in record.items()}
        if any("\x00" in value for value in values.values()):
            # A NUL byte is a binary file or an attack; a database text column refuses it.
            errors.append(RowError(line, _("contains a NUL byte")))
            continue
        if not any(values.values()):
            continue  # blank line
        rows.append((line, values))
    if not rows and not errors:
        errors.append(RowError(1, _("the file has a header but no rows")))
    return rows, errors


def check_unique(
    rows: list[tuple[int, dict]], key: Callable[[dict], Any], label: str
) -> list[RowError]:
    seen: dict[Any, int] = {}
    errors = []
    for line, values in rows:
        k = key(values)
        if k in seen:
            errors.append(
                RowError(line, _("%(key)s repeats line %(line)d", key=label, line=seen[k]))
            )
        else:
            seen[k] = line
    return errors


def iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def row_problems(
    model: type[BaseModel], values: dict[str, Any], wording: dict[str, str] | None = None
) -> tuple[BaseModel | None, list[str]]:
    """Validate one CSV row with its schema (the same pydantic model the rules use), and say
    each problem the way a safety admin reads it: ``kind 'window' must be one of ...``.
    ``wording`` gives a field's message when it does not match its pattern."""
    tick = _ROW_CHECKED.get()
    if tick is not None:
        tick()
    try:
        return model.model_validate(values), []
    except ValidationError as exc:
        return None, [_reads_as(error, wording or {}) for error in exc.errors()]


# Called once per row checked (the CLI's progress bar for long files); None: nobody asks.
_ROW_CHECKED: ContextVar[Callable[[], None] | None] = ContextVar("row_checked", default=None)


@contextlib.contextmanager
def on_each_row(callback: Callable[[], None]) -> Iterator[None]:
    """Call ``callback`` for every row checked inside the block (any area's CSV parser)."""
    token = _ROW_CHECKED.set(callback)
    try:
        yield
    finally:
        _ROW_CHECKED.reset(token)


def _reads_as(error: Any, wording: dict[str, str]) -> str:
    name = ".".join(str(part) for part in error.get("loc", ())) or "row"
    value, kind, ctx = error.get("input"), error.get("type", ""), error.get("ctx") or {}
    if kind in ("missing", "string_too_short"):
        return _("%(name)s is empty", name=name)
    if kind == "string_too_long":
        return _("%(name)s is longer than %(n)s characters", name=name, n=ctx.get("max_length"))
    if kind in ("enum", "literal_error"):
        return _(
            "%(name)s %(value)s must be one of %(expected)s",
            name=name, value=repr(value), expected=ctx.get("expected"),
        )  # fmt: skip
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return _("%(name)s %(value)s is not a whole number", name=name, value=repr(value))
    if kind.startswith("datetime") or kind == "timezone_naive":
        return _(
            "%(name)s %(value)s is not a date and time (YYYY-MM-DDTHH:MM, local time)",
            name=name, value=repr(value),
        )  # fmt: skip
    if kind.startswith("date"):
        return _("%(name)s %(value)s is not a date (YYYY-MM-DD)", name=name, value=repr(value))
    if kind == "bool_parsing":
        return _("%(name)s %(value)s must be true or false", name=name, value=repr(value))
    if kind == "string_pattern_mismatch":
        how = wording.get(name) or _("has the wrong form")
        return f"{name} {value!r} {how}"
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    # A rule's own sentence (a validator's ValueError or PydanticCustomError "rule").
    return message if kind in ("value_error", "rule") else f"{name} {value!r}: {message}"
