"""Errors services raise for bad input; views show them on forms or as JSON bodies."""

from __future__ import annotations

from werkzeug.exceptions import BadRequest


class ValidationFailed(ValueError):
    """One or more fields are wrong. ``errors`` maps a field name to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotAllowed(PermissionError):
    """The actor may not do this (a rule, not a missing permission)."""


class InvalidArgument(BadRequest):
    """A query-string value (or path value) that cannot be used: a 400 naming the field."""

    def __init__(self, field: str, message: str):
        super().__init__(description=f"{field} {message}")
        self.field = field
