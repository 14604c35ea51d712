"""HTML forms for plans: one form per section of the editor, with repeatable rows that are
added and removed without JavaScript too."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.core.forms import VersionedForm
from portal.plans.models import ADMINISTRATIVE_GROUPS, AdoptionStatus, StepStatus

GROUP_LABELS = {
    "bygglov": _l("Building permits (bygglov)"),
    "planering": _l("Planning"),
    "gis_matning": _l("GIS and surveying"),
    "miljo": _l("Environment"),
    "it": _l("IT"),
    "arkiv": _l("Archives"),
    "kommunikation": _l("Communication"),
    "ledning": _l("Management"),
    "other": _l("Other groups"),
}
STEP_STATUS_LABELS = {
    "planned": _l("Planned"),
    "ongoing": _l("Ongoing"),
    "done": _l("Done"),
    "cancelled": _l("Cancelled"),
}
ADOPTION_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "adopted": _l("Adopted"),
}
PLAN_STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}
SECTION_LABELS = {
    "summary": _l("Summary"),
    "title": _l("Title"),
    "current_situation": _l("Current situation"),
    "target_picture": _l("Target picture"),
    "strengths": _l("Strengths"),
    "weaknesses": _l("Weaknesses"),
    "motives": _l("Motives"),
    "expected_benefits": _l("Expected benefits"),
    "communication": _l("Communication"),
    "change_organisation": _l("Change organisation"),
    "competence_supply": _l("Competence supply"),
    "external_monitoring": _l("External monitoring"),
    "period_start_year": _l("First year"),
    "period_end_year": _l("Last year"),
    "expected_benefits_sek": _l("Expected benefits (SEK per year)"),
    "administrative_groups": _l("Participating administrative groups"),
    "strategies": _l("Existing strategies"),
    "decisions": _l("Decisions"),
    "partners": _l("Partners"),
    "start_date": _l("Start"),
    "end_date": _l("End"),
    "cost_sek": _l("Cost (SEK)"),
    "responsible": _l("Responsible"),
    "status": _l("Status"),
    "description": _l("Description"),
    "standards": _l("Standards"),
}

_SPACES = re.compile(r"[\s\u00a0\u202f]")


class SekField(StringField):
    """A whole number of SEK; spaces between thousands are fine ("26 000 000")."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = _SPACES.sub("", valuelist[0] or "")
        raw = re.sub(r"(?i)(sek|kr)$", "", raw)
        if not raw:
            self.data = None
            return
        if re.fullmatch(r"-\d+", raw):
            self.data = None
            raise ValueError(str(_l("The amount cannot be negative.")))
        if not re.fullmatch(r"\d{1,15}", raw):
            self.data = None
            raise ValueError(str(_l("Enter a whole number of SEK, e.g. 250000 (no decimals).")))
        self.data = int(raw)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return str(self.data) if self.data is not None else ""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def level_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("Not assessed"))] + [
        SelectChoice(str(n), str(n)) for n in range(1, 6)
    ]


def _optional_int(value):
    if value in (None, ""):
        return None
    return int(value)


class StrategyForm(Form):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=200)])
    url = URLField(_l("Link"), validators=[Optional(), Length(max=500)])
    year = IntegerField(_l("Year"), validators=[Optional()])

    def is_blank(self) -> bool:
        return not (
            (self.title.data or "").strip()
            or (self.owner.data or "").strip()
            or (self.url.data or "").strip()
            or (self.year.raw_data and self.year.raw_data[0])
        )


class DecisionForm(Form):
    body = StringField(_l("Decided by"), validators=[Optional(), Length(max=200)])
    decided_on = DateField(_l("Date"), validators=[Optional()])
    description = TextAreaField(_l("What was decided"), validators=[Optional()])

    def is_blank(self) -> bool:
        return not (
            (self.body.data or "").strip()
            or (self.description.data or "").strip()
            or (self.decided_on.raw_data and self.decided_on.raw_data[0])
        )


class MaturityForm(Form):
    dimension_id = HiddenField()
    current_level = RadioField(
        _l("Current level"), choices=level_choices, coerce=_optional_int, default=""
    )
    target_level = RadioField(
        _l("Target level"), choices=level_choices, coerce=_optional_int, default=""
    )

    def is_blank(self) -> bool:
        return self.current_level.data is None and self.target_level.data is None


class StandardRowForm(Form):
    """One standard of the catalogue: chosen or not, and if chosen how far it is adopted."""

    standard_id = HiddenField()
    chosen = BooleanField(_l("Chosen"))
    status = SelectField(
        _l("Adoption status"),
        choices=[SelectChoice(s.value, ADOPTION_LABELS[s.value]) for s in AdoptionStatus],
        default=AdoptionStatus.NOT_STARTED.value,
    )
    note = StringField(_l("Note (the gap)"), validators=[Optional(), Length(max=2000)])

    def is_blank(self) -> bool:
        return not self.chosen.data


class StepForm(Form):
    id = HiddenField()
    position = IntegerField(_l("Order"), validators=[Optional()])
    title = StringField(_l("Step"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    start_date = DateField(_l("Start"), validators=[Optional()])
    end_date = DateField(_l("End"), validators=[Optional()])
    cost_sek = SekField(_l("Cost (SEK)"), description=_l("Whole SEK; leave empty if not known."))
    responsible = StringField(_l("Responsible"), validators=[Optional(), Length(max=200)])
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s.value, STEP_STATUS_LABELS[s.value]) for s in StepStatus],
        default=StepStatus.PLANNED.value,
    )
    standard_ids = MultiCheckboxField(_l("Linked standards"), choices=[], coerce=int)

    def is_blank(self) -> bool:
        raw = [
            self.title.data,
            self.description.data,
            self.responsible.data,
            *(self.start_date.raw_data or []),
            *(self.end_date.raw_data or []),
            *(self.cost_sek.raw_data or []),
        ]
        return not any((value or "").strip() for value in raw) and not self.standard_ids.data


class PlanSectionForm(VersionedForm):
    """A section of the plan editor. Its buttons are in the page: `save`, and `add_row`
    (value: the list, "steps") and `remove_row` (value: the row, "steps-2"), which show the
    page again with a row more or less and save nothing."""


class BasicsForm(PlanSectionForm):
    organisation_id = SelectField(_l("Organisation"), choices=[], coerce=_optional_int)
    title = StringField(_l("Title"), validators=[Length(max=300)])
    period_start_year = IntegerField(_l("First year"), validators=[Optional()])
    period_end_year = IntegerField(_l("Last year"), validators=[Optional()])
    summary = TextAreaField(_l("Summary"))


class StrategiesForm(PlanSectionForm):
    strategies = FieldList(FormField(StrategyForm), min_entries=0)


class AnalysisForm(PlanSectionForm):
    current_situation = TextAreaField(_l("Current situation"))
    target_picture = TextAreaField(_l("Target picture"))
    strengths = TextAreaField(_l("Strengths"))
    weaknesses = TextAreaField(_l("Weaknesses"))


class MaturitySectionForm(PlanSectionForm):
    maturity = FieldList(FormField(MaturityForm), min_entries=0)


class MotivesForm(PlanSectionForm):
    motives = TextAreaField(_l("Motives"))
    expected_benefits = TextAreaField(_l("Expected benefits"))
    expected_benefits_sek = SekField(
        _l("Expected benefits (SEK per year)"), description=_l("Only where known.")
    )
    decisions = FieldList(FormField(DecisionForm), min_entries=0)


class OrganisationForm(PlanSectionForm):
    communication = TextAreaField(_l("Communication"))
    change_organisation = TextAreaField(_l("Change organisation"))
    administrative_groups = MultiCheckboxField(
        _l("Participating administrative groups"),
        choices=[SelectChoice(g, GROUP_LABELS[g]) for g in ADMINISTRATIVE_GROUPS],
    )


class StandardsForm(PlanSectionForm):
    standards = FieldList(FormField(StandardRowForm), min_entries=0)


class StepsForm(PlanSectionForm):
    steps = FieldList(FormField(StepForm), min_entries=0)


class CompetenceForm(PlanSectionForm):
    competence_supply = TextAreaField(_l("Competence supply"))
    external_monitoring = TextAreaField(_l("External monitoring"))


class PartnersForm(PlanSectionForm):
    partner_ids = MultiCheckboxField(_l("Partners"), choices=[], coerce=int)


SECTION_FORMS: dict[str, type[PlanSectionForm]] = {
    "basics": BasicsForm,
    "strategies": StrategiesForm,
    "analysis": AnalysisForm,
    "maturity": MaturitySectionForm,
    "motives": MotivesForm,
    "organisation": OrganisationForm,
    "standards": StandardsForm,
    "steps": StepsForm,
    "competence": CompetenceForm,
    "partners": PartnersForm,
}
# The repeated groups, and the row form a new row of each is made from.
ROW_FORMS: dict[str, type[Form]] = {
    "strategies": StrategyForm,
    "decisions": DecisionForm,
    "steps": StepForm,
}
