"""HTML forms for organisations and memberships."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional

from portal.core.forms import PortalForm
from portal.orgs.models import Role


def role_choices() -> list[SelectChoice]:
    return [
        SelectChoice(Role.MEMBER.value, _l("Member")),
        SelectChoice(Role.EDITOR.value, _l("Editor")),
        SelectChoice(Role.ADMIN.value, _l("Admin")),
    ]


class OrganisationRegistrationForm(PortalForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("supplier", _l("System supplier")),
            SelectChoice("other", _l("Other organisation")),
        ],
        validators=[DataRequired()],
    )
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=500)])
    county_code = SelectField(_l("County"), choices=[], validators=[Optional()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])


class OrganisationEditForm(PortalForm):
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=500)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])


class JoinForm(PortalForm):
    message = TextAreaField(
        _l("Message to the organisation's admins (optional)"),
        validators=[Optional(), Length(max=2000)],
    )


class DecisionForm(PortalForm):
    role = SelectField(_l("Role"), choices=role_choices, default=Role.MEMBER.value)


class RoleForm(PortalForm):
    role = SelectField(_l("Role"), choices=role_choices)
