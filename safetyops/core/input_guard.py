"""Request input no field may carry, refused before any view runs: NUL bytes (PostgreSQL
cannot store them in text) and lone UTF-16 surrogates (not encodable as UTF-8), in the
query string, form fields and JSON bodies; and path integers beyond the database's range.
Each answers 400 naming the field (or 404 for an id no row can have)."""

from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.routing import IntegerConverter

from safetyops.core.errors import InvalidArgument

# Primary keys and every stored integer are 32-bit INTEGER columns.
INT_MAX = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that does not match past INT_MAX: /rounds/99999999999999999999 is a
    404 (no such round), not an overflow inside the database driver."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def _bad_text(value: str) -> str | None:
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid text (it contains a lone surrogate character)"
    return None


def _walk(value: Any, path: str) -> None:
    if isinstance(value, str):
        problem = _bad_text(value)
        if problem:
            raise InvalidArgument(path or "body", problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(str(key), path or "body")
            _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]" if path else f"[{index}]")


def check_request_text() -> None:
    """before_request: refuse unstorable text anywhere in the request."""
    for name, values in request.args.lists():
        _walk(name, "query")
        for value in values:
            _walk(value, name)
    if request.method in ("POST", "PUT", "PATCH"):
        if request.mimetype == "application/json":
            _walk(request.get_json(silent=True), "")
        else:
            for name, values in request.form.lists():
                _walk(name, "form")
                for value in values:
                    _walk(value, name)
