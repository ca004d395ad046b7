"""Forms for firms, certification kinds, certificates and training sessions: shape only;
the operations check the rules."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from safetyops.certifications.models import TrainingProtocol
from safetyops.core.forms import CheckboxesField, enum_choices

PROTOCOL_LABELS: dict[str, Any] = {
    TrainingProtocol.HOLD: _l("Hold"),
    TrainingProtocol.SECURE: _l("Secure"),
    TrainingProtocol.LOCKDOWN: _l("Lockdown"),
    TrainingProtocol.EVACUATE: _l("Evacuate"),
    TrainingProtocol.SHELTER: _l("Shelter"),
}
PROTOCOL_CHOICES = enum_choices(TrainingProtocol, PROTOCOL_LABELS)
STATE_WORDS = {
    "valid": _l("Valid"),
    "expiring": _l("Expiring soon"),
    "expired": _l("Expired"),
    "no_expiry": _l("Does not expire"),
}


class FirmForm(FlaskForm):
    name = StringField(_l("Firm name"), validators=[DataRequired(), Length(max=120)])
    contact_name = StringField(
        _l("Contact (account manager)"), validators=[Optional(), Length(max=120)]
    )
    contact_email = StringField(_l("Contact email"), validators=[Optional(), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    contract_start = DateField(_l("Contract starts"), validators=[Optional()])
    contract_end = DateField(_l("Contract ends"), validators=[Optional()])
    campus_codes = CheckboxesField(_l("Campuses served"), choices=[])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class LinkOfficerForm(FlaskForm):
    # The choices are for the page; the operation checks the person (role, existence).
    officer_id = SelectField(_l("Officer"), coerce=int, choices=[], validate_choice=False)


class KindForm(FlaskForm):
    name = StringField(
        _l("New kind of certification"), validators=[DataRequired(), Length(max=120)]
    )


class CertificationForm(FlaskForm):
    kind_id = SelectField(_l("Kind"), coerce=int, choices=[])
    number = StringField(
        _l("Certificate or licence number"), validators=[Optional(), Length(max=80)]
    )
    issued_on = DateField(_l("Issued"), validators=[DataRequired()])
    expires_on = DateField(
        _l("Expires"),
        validators=[Optional()],
        description=_l("Leave empty if it does not expire."),
    )
    scan = FileField(
        _l("Scanned copy"), description=_l("PDF, JPEG or PNG; the certificate itself.")
    )


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class TrainingForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    protocol = SelectField(_l("Protocol"), choices=PROTOCOL_CHOICES)
    attendees = IntegerField(
        _l("Staff who attended"),
        validators=[InputRequired(), NumberRange(min=1, max=5000)],
        description=_l("A head count only: no names."),
    )
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=500)])
