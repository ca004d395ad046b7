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

from safetyops.accounts.models import Role
from safetyops.core.forms import CheckboxesField, enum_choices

ROLE_CHOICES = enum_choices(
    Role,
    {
        Role.OFFICER: _l("Officer"),
        Role.SUPERVISOR: _l("Supervisor"),
        Role.PRINCIPAL: _l("Principal"),
        Role.SAFETY_ADMIN: _l("Safety department"),
        Role.VIEWER: _l("Viewer (read-only)"),
    },
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
