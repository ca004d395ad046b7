"""Administration forms: shape only; services validate the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from safetyops.core.forms import CheckboxesField, choices
from safetyops.rounds.forms import WEEKDAY_CHOICES

GRADE_BAND_CHOICES = choices(
    [
        ("", _l("(not set)")),
        ("elementary", _l("Elementary")),
        ("middle", _l("Middle")),
        ("high", _l("High")),
        ("k8", _l("K-8")),
        ("k12", _l("K-12")),
        ("other", _l("Other")),
    ]
)
CHECKPOINT_KIND_CHOICES = choices(
    [
        ("exterior_door", _l("Exterior door")),
        ("interior_door", _l("Interior door")),
        ("gate", _l("Gate")),
        ("perimeter", _l("Perimeter")),
        ("parking_lot", _l("Parking lot")),
        ("other", _l("Other")),
    ]
)
EXPECTED_STATE_CHOICES = choices(
    [
        ("locked", _l("Locked")),
        ("closed", _l("Closed")),
        ("clear", _l("Clear")),
        ("secure", _l("Secure")),
    ]
)


class CampusForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])
    timezone = StringField(
        _l("Time zone"), validators=[DataRequired(), Length(max=64)], default="America/Denver"
    )
    grade_band = SelectField(_l("Grade band"), choices=GRADE_BAND_CHOICES, default="")
    principal_id = SelectField(_l("Principal"), coerce=int, choices=[], validate_choice=True)
    school_weekdays = CheckboxesField(
        _l("School weekdays"),
        coerce=int,
        choices=WEEKDAY_CHOICES,
        default=[1, 2, 3, 4, 5],
        description=_l("Days school is in session inside a term (the calendar adds holidays)"),
    )


class CheckpointForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    kind = SelectField(_l("Kind"), choices=CHECKPOINT_KIND_CHOICES)
    expected_state = SelectField(_l("Expected state"), choices=EXPECTED_STATE_CHOICES)
    walk_order = IntegerField(
        _l("Walking order"), validators=[Optional(), NumberRange(min=0, max=100000)], default=0
    )
    location_notes = TextAreaField(_l("Location notes"), validators=[Optional(), Length(max=2000)])
