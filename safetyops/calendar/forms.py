"""Calendar entry form: shape only; calendar operations validate the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from safetyops.calendar.models import CalendarKind
from safetyops.core.forms import enum_choices


class CalendarEntryForm(FlaskForm):
    campus_id = SelectField(_l("Applies to"), coerce=int)
    kind = SelectField(
        _l("Kind"),
        choices=enum_choices(
            CalendarKind,
            {CalendarKind.TERM: _l("Term (school in session)"), CalendarKind.CLOSED: _l("Closed")},
        ),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    start_date = DateField(_l("First day"), validators=[DataRequired()])
    end_date = DateField(
        _l("Last day"), validators=[Optional()], description=_l("Empty for a single day")
    )
