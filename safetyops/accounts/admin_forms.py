"""User administration form (shape only; the account operations decide)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from safetyops.core.forms import CheckboxesField, choices

ROLE_CHOICES = choices(
    [
        ("officer", _l("Officer")),
        ("supervisor", _l("Supervisor")),
        ("principal", _l("Principal")),
        ("safety_admin", _l("Safety department")),
        ("viewer", _l("Viewer (read-only)")),
    ]
)


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    employer_id = SelectField(_l("Employer"), coerce=int, choices=[])
    campus_ids = CheckboxesField(_l("Campuses"), coerce=int, choices=[])
    password = PasswordField(
        _l("Initial password"),
        validators=[Optional(), Length(max=1024)],
        description=_l("Required for a new user; leave empty to keep the current one."),
    )
