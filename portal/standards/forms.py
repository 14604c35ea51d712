"""HTML form for catalogue entries."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.core.forms import PortalForm, label_choices
from portal.standards.models import StandardKind

KIND_LABELS = {
    StandardKind.STANDARD: _l("Standard"),
    StandardKind.REGULATION: _l("Regulation"),
    StandardKind.SPECIFICATION: _l("Specification"),
    StandardKind.NATIONAL_SOLUTION: _l("National solution"),
}


class StandardForm(PortalForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=label_choices(KIND_LABELS))
    owner_id = SelectField(_l("Owning organisation"), choices=[], validators=[Optional()])
    owner_name = StringField(
        _l("Owner (when not on the portal)"), validators=[Optional(), Length(max=200)]
    )
    version = StringField(_l("Version"), validators=[Optional(), Length(max=100)])
    in_force = DateField(_l("In force from"), validators=[Optional()])
    url = StringField(_l("Link"), validators=[Optional(), Length(max=500)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
