"""Round forms: shape only; services/rounds.py validates the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from safetyops.core.forms import CheckboxesField, choices

ROUND_KIND_CHOICES = choices(
    [
        ("exterior_door_check", _l("Exterior door check")),
        ("perimeter_sweep", _l("Perimeter and parking-lot sweep")),
        ("interior_check", _l("Interior check")),
    ]
)
WEEKDAY_CHOICES = choices(
    [
        (1, _l("Mon")),
        (2, _l("Tue")),
        (3, _l("Wed")),
        (4, _l("Thu")),
        (5, _l("Fri")),
        (6, _l("Sat")),
        (7, _l("Sun")),
    ]
)
FINDING_KIND_CHOICES = choices(
    [
        ("unlocked", _l("Unlocked")),
        ("propped_open", _l("Propped open")),
        ("damaged", _l("Damaged")),
        ("lock_fault", _l("Alarm or lock fault")),
        ("lighting_out", _l("Lighting out")),
        ("obstruction", _l("Obstruction")),
        ("suspicious_activity", _l("Suspicious activity")),
        ("other", _l("Other")),
    ]
)
ACTION_CHOICES = choices(
    [
        ("secured", _l("Secured it on the spot")),
        ("reported_facilities", _l("Reported to facilities")),
        ("called_supervisor", _l("Called supervisor")),
        ("called_police", _l("Called police")),
        ("none", _l("No action yet")),
    ]
)


class PlanForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=ROUND_KIND_CHOICES)
    checkpoint_ids = CheckboxesField(_l("Checkpoints (kept in walking order)"), coerce=int)
    weekdays = CheckboxesField(_l("Days of the week"), coerce=int, choices=WEEKDAY_CHOICES)
    school_days_only = BooleanField(_l("School days only"), default=True)
    windows = StringField(
        _l("Time windows"),
        validators=[DataRequired()],
        description=_l("Local times, e.g. 06:45-07:30, 15:45-16:30"),
    )
    grace_minutes = IntegerField(
        _l("Grace period (minutes)"), default=15, validators=[NumberRange(min=0, max=240)]
    )


class StartRoundForm(FlaskForm):
    plan_id = HiddenField(validators=[DataRequired()])
    client_id = HiddenField()


class SingleCheckForm(FlaskForm):
    """Start a one-checkpoint check from a scanned QR code (no round in progress there)."""

    client_id = HiddenField()


class CompleteForm(FlaskForm):
    reason = TextAreaField(
        _l("Why are some checkpoints not checked?"), validators=[Optional(), Length(max=2000)]
    )


class AmendForm(FlaskForm):
    result_id = SelectField(_l("Result to correct"), validators=[Optional()])
    reason = TextAreaField(
        _l("Reason for the correction"), validators=[DataRequired(), Length(max=2000)]
    )
    correction = TextAreaField(_l("Correct record"), validators=[DataRequired(), Length(max=2000)])


class ResolveForm(FlaskForm):
    resolution = TextAreaField(
        _l("How was it resolved?"), validators=[DataRequired(), Length(max=2000)]
    )
