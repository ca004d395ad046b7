"""Forms and labels of the postings area: shape only; operations validate the rules."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from safetyops.accounts.models import Role
from safetyops.core.forms import enum_choices
from safetyops.postings.models import CancellationKind
from safetyops.postings.operations import REASON_MAX

# Who records a cancelled or missed drill.
RECORDERS = (Role.PRINCIPAL, Role.SUPERVISOR, Role.SAFETY_ADMIN)
# Who exports the planned drill schedule for the county emergency coordinator.
SCHEDULE_READERS = (Role.PRINCIPAL, Role.SUPERVISOR, Role.SAFETY_ADMIN, Role.VIEWER)

KIND_LABELS: dict[str, Any] = {
    CancellationKind.CANCELLED: _l("Cancelled (called off ahead)"),
    CancellationKind.MISSED: _l("Missed (not held)"),
}
# How the public page names a role (who conducted a drill, who signed it off).
PUBLIC_ROLE_LABELS: dict[str, Any] = {
    Role.OFFICER: _l("School safety officer"),
    Role.SUPERVISOR: _l("Security supervisor"),
    Role.PRINCIPAL: _l("Principal"),
    Role.SAFETY_ADMIN: _l("District safety department"),
    Role.VIEWER: _l("District staff"),
}


class CancellationForm(FlaskForm):
    client_id = HiddenField()
    drill_type = SelectField(_l("Drill"), validators=[DataRequired()])
    scheduled_for = DateField(_l("Day it was to be held"), validators=[DataRequired()])
    kind = RadioField(
        _l("What happened"),
        choices=enum_choices(CancellationKind, KIND_LABELS),
        default=CancellationKind.CANCELLED.value,
        validators=[DataRequired()],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=REASON_MAX)],
        description=_l("Do not write student names or anything that identifies a student."),
    )
