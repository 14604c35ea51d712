"""HTML forms for adaptation needs, backings and supplier answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from portal.core.forms import OrganisationIdField, PortalForm, VersionedForm, label_choices
from portal.needs.models import NeedStatus, ProductArea, SupportStatus

PRODUCT_AREA_LABELS = {
    ProductArea.CASE_HANDLING: _l("Case handling"),
    ProductArea.GIS: _l("GIS and maps"),
    ProductArea.E_SERVICES: _l("E-services"),
    ProductArea.ARCHIVE: _l("Archive"),
    ProductArea.DETAILED_PLAN: _l("Detailed plans"),
    ProductArea.BIM_3D: _l("3D and BIM"),
    ProductArea.OTHER: _l("Other"),
}
SUPPORT_STATUS_LABELS = {
    SupportStatus.SUPPORTED: _l("Supported"),
    SupportStatus.PLANNED: _l("Planned"),
    SupportStatus.UNDER_CONSIDERATION: _l("Under consideration"),
    SupportStatus.NOT_PLANNED: _l("Not planned"),
}
NEED_STATUS_LABELS = {
    NeedStatus.OPEN: _l("Open"),
    NeedStatus.ANSWERED: _l("Answered"),
    NeedStatus.RESOLVED: _l("Resolved"),
    NeedStatus.CLOSED: _l("Closed"),
}


class NeedForm(PortalForm):
    organisation_id = OrganisationIdField(_l("On behalf of"), choices=[])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=20000)])
    standard_id = SelectField(
        _l("Standard or national solution"), choices=[], validators=[Optional()]
    )
    product_area = SelectField(
        _l("Product area"),
        choices=label_choices(PRODUCT_AREA_LABELS),
        default=ProductArea.OTHER.value,
    )
    desired_by = DateField(_l("Desired by"), validators=[Optional()])


class NeedEditForm(NeedForm, VersionedForm):
    organisation_id = None


class BackingForm(PortalForm):
    organisation_id = OrganisationIdField(_l("Back on behalf of"), choices=[])


class AnswerForm(PortalForm):
    organisation_id = OrganisationIdField(_l("Answer on behalf of"), choices=[])
    product = StringField(_l("Product"), validators=[DataRequired(), Length(max=200)])
    support_status = SelectField(_l("Support"), choices=label_choices(SUPPORT_STATUS_LABELS))
    available_from = DateField(_l("Available from"), validators=[Optional()])
    body = TextAreaField(_l("Answer"), validators=[Optional(), Length(max=10000)])


class AnswerEditForm(AnswerForm):
    organisation_id = None
