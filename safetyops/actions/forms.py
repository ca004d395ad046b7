"""Corrective-action forms (shape only; the operations check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from safetyops.actions.operations import DESCRIPTION_MAX, NOTE_MAX
from safetyops.core.forms import choices
from safetyops.drills.forms import NO_NAMES, PROBLEM_CHOICES


class ActionForm(FlaskForm):
    client_id = HiddenField()
    problem = SelectField(
        _l("Problem it answers"),
        choices=choices([("", _l("(none)"))] + [(c.value, c.label) for c in PROBLEM_CHOICES]),
    )
    description = StringField(
        _l("Corrective action"),
        validators=[DataRequired(), Length(max=DESCRIPTION_MAX)],
        description=_l("What will be done, e.g. Repair the lock of room 12's door."),
    )
    owner_id = SelectField(_l("Owner"), coerce=int, validators=[DataRequired()])
    due_on = DateField(_l("Due"), validators=[DataRequired()])


class CloseActionForm(FlaskForm):
    closing_note = TextAreaField(
        _l("What was done"), validators=[DataRequired(), Length(max=NOTE_MAX)], description=NO_NAMES
    )


class ReassignForm(FlaskForm):
    owner_id = SelectField(_l("Owner"), coerce=int, validators=[DataRequired()])
    due_on = DateField(_l("Due"), validators=[DataRequired()])
