"""HTML forms for experiences and comments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from portal.core.forms import OrganisationIdField, PortalForm, VersionedForm


class ExperienceForm(PortalForm):
    organisation_id = OrganisationIdField(_l("On behalf of"), choices=[])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Experience"), validators=[DataRequired(), Length(max=50000)])
    tags = StringField(
        _l("Tags"),
        description=_l("Separate tags with commas, for example: detaljplan, förankring."),
        validators=[Optional(), Length(max=600)],
    )
    standard_ids = SelectMultipleField(
        _l("Standards and national solutions"), coerce=int, choices=[], validate_choice=False
    )
    plan_step_id = SelectField(
        _l("Comes from a step of an action plan (optional)"),
        choices=[],
        validators=[Optional()],
        validate_choice=False,
    )


class ExperienceEditForm(ExperienceForm, VersionedForm):
    organisation_id = None


class CommentForm(PortalForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])
