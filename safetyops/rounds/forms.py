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

from safetyops.core.forms import CheckboxesField, choices, enum_choices
from safetyops.findings.models import ActionTaken, FindingKind
from safetyops.rounds.models import RoundKind

ROUND_KIND_CHOICES = enum_choices(
    RoundKind,
    {
        RoundKind.EXTERIOR_DOOR_CHECK: _l("Exterior door check"),
        RoundKind.PERIMETER_SWEEP: _l("Perimeter and parking-lot sweep"),
        RoundKind.INTERIOR_CHECK: _l("Interior check"),
    },
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
FINDING_KIND_CHOICES = enum_choices(
    FindingKind,
    {
        FindingKind.UNLOCKED: _l("Unlocked"),
        FindingKind.PROPPED_OPEN: _l("Propped open"),
        FindingKind.DAMAGED: _l("Damaged"),
        FindingKind.LOCK_FAULT: _l("Alarm or lock fault"),
        FindingKind.LIGHTING_OUT: _l("Lighting out"),
        FindingKind.OBSTRUCTION: _l("Obstruction"),
        FindingKind.SUSPICIOUS_ACTIVITY: _l("Suspicious activity"),
        FindingKind.OTHER: _l("Other"),
    },
)
ACTION_CHOICES = enum_choices(
    ActionTaken,
    {
        ActionTaken.SECURED: _l("Secured it on the spot"),
        ActionTaken.REPORTED_FACILITIES: _l("Reported to facilities"),
        ActionTaken.CALLED_SUPERVISOR: _l("Called supervisor"),
        ActionTaken.CALLED_POLICE: _l("Called police"),
        ActionTaken.NONE: _l("No action yet"),
    },
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
