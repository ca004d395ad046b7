"""Campus-area and live-drill forms (shape only; the operations check the rules), and the
labels of the live area's enumerations."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from safetyops.core.forms import CheckboxesField, choices, enum_choices
from safetyops.drills.forms import TYPE_LABELS
from safetyops.live.domain import LIVE_ACTIONS, TapIssue
from safetyops.live.models import AreaKind
from safetyops.live.schemas import AREA_NAME_MAX

AREA_KIND_CHOICES = enum_choices(
    AreaKind,
    {
        AreaKind.BUILDING: _l("Building"),
        AreaKind.WING: _l("Wing"),
        AreaKind.FLOOR: _l("Floor"),
        AreaKind.FIELD: _l("Field or outdoor area"),
        AreaKind.OTHER: _l("Other"),
    },
)
ISSUE_LABELS: dict[str, Any] = {
    TapIssue.DOOR_WOULD_NOT_LOCK: _l("A door would not lock"),
    TapIssue.ROOM_NOT_FOUND: _l("A room could not be found or checked"),
    TapIssue.STUDENT_OUTSIDE_AREA: _l("A student was outside the area"),
    TapIssue.PA_NOT_HEARD: _l("PA announcement not heard"),
    TapIssue.RADIO_FAILURE: _l("Radio or phone failure"),
    TapIssue.BLOCKED_EXIT: _l("Blocked exit or route"),
    TapIssue.OTHER: _l("Other problem"),
}
ISSUE_CHOICES = enum_choices(TapIssue, ISSUE_LABELS, blank=_l("No problem"))
ACTION_CHOICES = choices([(a, TYPE_LABELS[a]) for a in LIVE_ACTIONS])


class AreaForm(FlaskForm):
    name = StringField(
        _l("Area"),
        validators=[DataRequired(), Length(max=AREA_NAME_MAX)],
        description=_l("A building, wing, floor or field, e.g. North wing, 2nd floor"),
    )
    kind = SelectField(_l("Kind"), choices=AREA_KIND_CHOICES)
    position = IntegerField(
        _l("Order"),
        validators=[Optional(), NumberRange(min=0, max=2**31 - 1)],
        description=_l("Areas are listed by this number, smallest first."),
    )


class AreaImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired()],
        description=_l("Columns campus_code,name and optionally kind,position."),
    )


class StartLiveForm(FlaskForm):
    client_id = HiddenField()
    drill_type = SelectField(_l("SRP action"), choices=ACTION_CHOICES)
    real_event = BooleanField(_l("This is a real event, not a drill"))
    announced = BooleanField(_l("Announced in advance"), default=True)
    area_ids = CheckboxesField(_l("Areas to report clear"), coerce=int)
