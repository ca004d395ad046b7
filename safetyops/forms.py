"""Form helpers shared by the areas."""

from __future__ import annotations

from flask_wtf import FlaskForm

from safetyops.services.errors import ValidationFailed


def apply_errors(form: FlaskForm, exc: ValidationFailed) -> None:
    """Show a service's field errors next to the fields (or at the top if none matches)."""
    for name, message in exc.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
