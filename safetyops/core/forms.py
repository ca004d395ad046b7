"""Form helpers shared by the areas."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, widgets

from safetyops.core import dates, i18n
from safetyops.core.db import utcnow
from safetyops.core.errors import InvalidArgument, ValidationFailed


def apply_errors(form: FlaskForm, exc: ValidationFailed) -> None:
    """Show a service's field errors next to the fields (or at the top if none matches)."""
    for name, message in exc.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def enum_choices(
    enum: type[StrEnum], labels: Mapping[str, Any], blank: Any = None
) -> list[SelectChoice]:
    """Choices for an enumeration, in the order of ``labels``. The values come from the
    enumeration (the one source of truth): a member without a label, or a label for no
    member, is an error at import time, not a missing option on a form."""
    values = {member.value for member in enum}
    if set(labels) != values:
        raise ValueError(
            f"labels of {enum.__name__} differ from its members: {set(labels) ^ values}"
        )
    pairs = [(str(value), label) for value, label in labels.items()]
    return choices(([("", blank)] if blank is not None else []) + pairs)


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as big checkboxes (touch friendly) instead of a list box."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def date_arg(name: str, default: date | None = None) -> date | None:
    """An ISO date from the query string; ``default`` when absent or malformed. A date
    outside the accepted range (core.dates) is refused with a 400 naming the parameter."""
    try:
        value = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default
    if not dates.in_range(value, utcnow().date()):
        raise InvalidArgument(name, i18n.range_message(utcnow().date()))
    return value


def year_arg(name: str, default: int) -> int:
    """A school year from the query string (``?year=2026``); out of range is a 400."""
    raw = request.args.get(name, "")
    if not raw:
        return default
    try:
        year = int(raw)
    except ValueError:
        raise InvalidArgument(name, "must be a year such as 2026") from None
    if not dates.year_in_range(year, utcnow().date()):
        raise InvalidArgument(name, i18n.range_message(utcnow().date()))
    return year


class ButtonForm(FlaskForm):
    """A form with only the CSRF token, for POST buttons (deactivate, sign out)."""
