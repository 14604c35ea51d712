"""The form for creating an API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from portal.core.forms import PortalForm


def expiry_choices() -> list[SelectChoice]:
    return [
        SelectChoice("30", _l("In 30 days")),
        SelectChoice("90", _l("In 90 days")),
        SelectChoice("365", _l("In a year")),
        SelectChoice("", _l("Never")),
    ]


class TokenForm(PortalForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("What the token is for, for example the script that uses it."),
    )
    write = BooleanField(
        _l("Allow writes"),
        description=_l("Without this the token can only read."),
    )
    expires_days = SelectField(_l("Expires"), choices=expiry_choices(), default="90")
