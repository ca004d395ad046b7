"""Planned-drill form: shape only; planning operations validate the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from safetyops.accounts.models import Role

# Who plans drills ahead and manages the campus calendar feed.
PLANNERS = (Role.PRINCIPAL, Role.SUPERVISOR, Role.SAFETY_ADMIN)


class PlanForm(FlaskForm):
    drill_type = SelectField(_l("Drill"), validators=[DataRequired()])
    planned_for = DateField(_l("Planned for"), validators=[DataRequired()])
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=500)])
