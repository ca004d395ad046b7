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

from safetyops.campuses.models import CheckpointKind, ExpectedState, GradeBand
from safetyops.core.forms import CheckboxesField, enum_choices
from safetyops.rounds.forms import WEEKDAY_CHOICES

GRADE_BAND_CHOICES = enum_choices(
    GradeBand,
    {
        GradeBand.ELEMENTARY: _l("Elementary"),
        GradeBand.MIDDLE: _l("Middle"),
        GradeBand.HIGH: _l("High"),
        GradeBand.K8: _l("K-8"),
        GradeBand.K12: _l("K-12"),
        GradeBand.OTHER: _l("Other"),
    },
    blank=_l("(not set)"),
)
CHECKPOINT_KIND_CHOICES = enum_choices(
    CheckpointKind,
    {
        CheckpointKind.EXTERIOR_DOOR: _l("Exterior door"),
        CheckpointKind.INTERIOR_DOOR: _l("Interior door"),
        CheckpointKind.GATE: _l("Gate"),
        CheckpointKind.PERIMETER: _l("Perimeter"),
        CheckpointKind.PARKING_LOT: _l("Parking lot"),
        CheckpointKind.OTHER: _l("Other"),
    },
)
EXPECTED_STATE_CHOICES = enum_choices(
    ExpectedState,
    {
        ExpectedState.LOCKED: _l("Locked"),
        ExpectedState.CLOSED: _l("Closed"),
        ExpectedState.CLEAR: _l("Clear"),
        ExpectedState.SECURE: _l("Secure"),
    },
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
