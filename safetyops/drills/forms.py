"""Drill, medical-call and calendar forms: shape only; the services validate the rules."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from safetyops.core.forms import CheckboxesField, choices, enum_choices
from safetyops.drills.domain import DrillType, ShelterHazard

NO_NAMES = _l("Do not write student names or anything that identifies a student.")

# Every canonical type has a label (a test checks); a type a pack adds shows its own name.
TYPE_LABELS: dict[str, Any] = {
    DrillType.HOLD: _l("Hold"),
    DrillType.SECURE: _l("Secure (lockout)"),
    DrillType.LOCKDOWN: _l("Lockdown"),
    DrillType.EVACUATE: _l("Evacuate (fire drill)"),
    DrillType.SHELTER: _l("Shelter"),
    DrillType.BUS_EVACUATION: _l("Bus evacuation"),
    DrillType.REUNIFICATION: _l("Reunification"),
    DrillType.TABLETOP: _l("Tabletop exercise"),
}
HAZARD_CHOICES = enum_choices(
    ShelterHazard,
    {
        ShelterHazard.TORNADO: _l("Tornado / severe weather"),
        ShelterHazard.HAZMAT: _l("Hazmat"),
        ShelterHazard.EARTHQUAKE: _l("Earthquake (drop, cover, hold)"),
        ShelterHazard.WILDFIRE: _l("Wildfire smoke"),
        ShelterHazard.FLOOD: _l("Flood"),
        ShelterHazard.TSUNAMI: _l("Tsunami"),
        ShelterHazard.OTHER: _l("Other"),
    },
    blank=_l("Not a shelter drill"),
)
PROBLEM_CHOICES = choices(
    [
        ("alarm_not_heard", _l("Alarm or announcement not heard")),
        ("door_would_not_lock", _l("A door would not lock")),
        ("room_not_secured", _l("A room was not secured")),
        ("slow_to_respond", _l("Slow to respond")),
        ("blocked_exit", _l("Blocked exit or route")),
        ("accountability_gap", _l("Could not account for everyone quickly")),
        ("communication_failure", _l("Radio or phone failure")),
        ("other", _l("Other")),
    ]
)
OBSERVER_CHOICES = choices(
    [
        ("fire", _l("Fire department")),
        ("police", _l("Police")),
        ("district", _l("District safety")),
        ("other", _l("Other")),
    ]
)
MEDICAL_ACTION_CHOICES = choices(
    [
        ("first_aid", _l("First aid")),
        ("aed", _l("AED")),
        ("cpr", _l("CPR")),
        ("called_911", _l("Called 911")),
        ("escorted_ems", _l("Met and escorted EMS")),
    ]
)


def type_choices(types):
    return choices([(t, TYPE_LABELS.get(t, t.replace("_", " ").capitalize())) for t in types])


FOLLOW_UP_ROWS = 3  # empty rows are ignored; a record may keep more than shown


class FollowUpForm(Form):
    """One follow-up action (a row of the drill form; no CSRF token of its own)."""

    action = StringField(_l("Follow-up action"), validators=[Length(max=500)])
    owner = StringField(_l("Owner"), validators=[Length(max=160)])
    due = DateField(_l("Due"), validators=[Optional()])


class DrillForm(FlaskForm):
    client_id = HiddenField()
    drill_type = SelectField(_l("SRP action"), validators=[DataRequired()])
    real_event = BooleanField(_l("This was a real event, not a drill"))
    day = DateField(_l("Date"), validators=[DataRequired()])
    start_time = TimeField(_l("Started"), validators=[DataRequired()])
    end_time = TimeField(_l("Ended"), validators=[Optional()])
    hazard = SelectField(_l("Shelter hazard"), choices=HAZARD_CHOICES, validators=[Optional()])
    evacuation_location = StringField(_l("Evacuation location"), validators=[Length(max=200)])
    announced = BooleanField(_l("Announced in advance"), default=True)
    conducted_by = StringField(_l("Conducted by"), validators=[Length(max=160)])
    notification_method = StringField(
        _l("Notification method"),
        validators=[Length(max=120)],
        description=_l("e.g. PA announcement, fire alarm, radio"),
    )
    staff_participating = IntegerField(
        _l("Staff participating"), validators=[Optional(), NumberRange(min=0)]
    )
    occupants = IntegerField(
        _l("Occupants evacuated or accounted for"), validators=[Optional(), NumberRange(min=0)]
    )
    time_to_complete_seconds = IntegerField(
        _l("Time to complete (seconds)"), validators=[Optional(), NumberRange(min=0)]
    )
    special_conditions = TextAreaField(
        _l("Special conditions simulated"), validators=[Length(max=4000)], description=NO_NAMES
    )
    problems = CheckboxesField(_l("Problems encountered"), choices=PROBLEM_CHOICES)
    problems_notes = TextAreaField(
        _l("Problems: details"), validators=[Length(max=4000)], description=NO_NAMES
    )
    weather = StringField(_l("Weather"), validators=[Length(max=120)])
    observers = CheckboxesField(_l("Observers"), choices=OBSERVER_CHOICES)
    debrief_notes = TextAreaField(
        _l("Debrief notes"), validators=[Length(max=4000)], description=NO_NAMES
    )
    follow_ups = FieldList(FormField(FollowUpForm), min_entries=FOLLOW_UP_ROWS)

    def validate_end_time(self, field):
        # Checked here too (the service checks it again) so every error shows at once.
        if field.data and self.start_time.data and field.data < self.start_time.data:
            raise ValidationError(_l("It cannot end before it started."))


class AmendDrillForm(DrillForm):
    reason = TextAreaField(
        _l("Reason for the correction"), validators=[DataRequired(), Length(max=2000)]
    )


class MedicalCallForm(FlaskForm):
    client_id = HiddenField()
    day = DateField(_l("Date"), validators=[DataRequired()])
    called_time = TimeField(_l("Time called"), validators=[DataRequired()])
    location = StringField(
        _l("Location on campus"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("A place, not a person: e.g. Gym, north bleachers"),
    )
    actions = CheckboxesField(_l("What you did"), choices=MEDICAL_ACTION_CHOICES)
    ems_time = TimeField(_l("EMS arrived"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)], description=NO_NAMES)
