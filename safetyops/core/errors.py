"""Errors services raise for bad input; views show them on forms or as JSON bodies."""

from __future__ import annotations

from pydantic import ValidationError
from werkzeug.exceptions import BadRequest


class ValidationFailed(ValueError):
    """One or more fields are wrong. ``errors`` maps a field name to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors

    @classmethod
    def from_pydantic(cls, exc: ValidationError) -> ValidationFailed:
        """A schema's problems by field (dotted for nested ones: ``results.0.note``), the
        first problem of each; the message reads after the field name."""
        errors: dict[str, str] = {}
        for problem in exc.errors():
            name = ".".join(str(part) for part in problem.get("loc", ())) or "body"
            message = str(problem.get("msg") or "is not valid").removeprefix("Value error, ")
            errors.setdefault(name, message[:1].lower() + message[1:])
        return cls(errors)


class NotAllowed(Exception):
    """The actor may not do this (a rule of the record, e.g. only the officer walking a
    round posts to it). Deliberately not ``PermissionError``: that is an ``OSError``, and
    a disk or socket refusing access must stay a server error, never a 403."""


class InvalidArgument(BadRequest):
    """A query-string value (or path value) that cannot be used: a 400 naming the field."""

    def __init__(self, field: str, message: str):
        super().__init__(description=f"{field} {message}")
        self.field = field
