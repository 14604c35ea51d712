"""The plan editor's sections: one page per part of the action-plan method, each saved on its
own, and how far each part of a plan is filled in (for the editor's table of contents)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.plans.models import Plan


class Filled(enum.StrEnum):
    COMPLETE = "complete"
    PARTIAL = "partial"
    EMPTY = "empty"

    @property
    def label(self) -> str:
        return str(FILLED_LABELS[self])


FILLED_LABELS = {
    Filled.COMPLETE: _l("filled in"),
    Filled.PARTIAL: _l("partly filled in"),
    Filled.EMPTY: _l("not filled in yet"),
}


def _texts(*names: str) -> Callable[[Plan], Filled]:
    def state(plan: Plan) -> Filled:
        done = sum(1 for name in names if (getattr(plan, name) or "").strip())
        if done == len(names):
            return Filled.COMPLETE
        return Filled.PARTIAL if done else Filled.EMPTY

    return state


def _rows(name: str) -> Callable[[Plan], Filled]:
    return lambda plan: Filled.COMPLETE if getattr(plan, name) else Filled.EMPTY


def _combined(*states: Callable[[Plan], Filled]) -> Callable[[Plan], Filled]:
    def state(plan: Plan) -> Filled:
        found = {s(plan) for s in states}
        if found == {Filled.COMPLETE}:
            return Filled.COMPLETE
        return Filled.EMPTY if found == {Filled.EMPTY} else Filled.PARTIAL

    return state


def _maturity(plan: Plan) -> Filled:
    # Every active dimension assessed: complete; some: partly.
    from portal.plans.services import list_dimensions

    assessed = {m.dimension_id for m in plan.maturity}
    active = {d.id for d in list_dimensions()}
    if active and active <= assessed:
        return Filled.COMPLETE
    return Filled.PARTIAL if assessed else Filled.EMPTY


def _groups(plan: Plan) -> Filled:
    return Filled.COMPLETE if plan.administrative_groups else Filled.EMPTY


@dataclass(frozen=True)
class EditorSection:
    """A page of the editor: its address, its heading, the method's tip it follows, the
    `PlanInput` fields it writes and how full it is in a plan."""

    key: str
    label: str
    tip: str
    fields: tuple[str, ...]
    state: Callable[[Plan], Filled]

    def filled(self, plan: Plan | None) -> Filled:
        return self.state(plan) if plan is not None else Filled.EMPTY


SECTIONS: tuple[EditorSection, ...] = (
    EditorSection(
        "basics",
        _l("Basics"),
        _l("Title, period and a short summary of the plan."),
        ("title", "period_start_year", "period_end_year", "summary"),
        lambda plan: Filled.COMPLETE if (plan.summary or "").strip() else Filled.PARTIAL,
    ),
    EditorSection(
        "strategies",
        _l("Existing strategies"),
        _l("Tip 1: the plans and strategies this plan builds on."),
        ("strategies",),
        _rows("strategies"),
    ),
    EditorSection(
        "analysis",
        _l("Where we stand"),
        _l("Tip 2: the current situation, the target picture, strengths and weaknesses."),
        ("current_situation", "target_picture", "strengths", "weaknesses"),
        _texts("current_situation", "target_picture", "strengths", "weaknesses"),
    ),
    EditorSection(
        "maturity",
        _l("Maturity self-assessment"),
        _l("Tip 2: the current and target level, 1 to 5, on each dimension."),
        ("maturity",),
        _maturity,
    ),
    EditorSection(
        "motives",
        _l("Motives, benefits and decisions"),
        _l("Tip 3: why, what it brings (in money where known) and who decided."),
        ("motives", "expected_benefits", "expected_benefits_sek", "decisions"),
        _combined(_texts("motives", "expected_benefits"), _rows("decisions")),
    ),
    EditorSection(
        "organisation",
        _l("Communication and change organisation"),
        _l("Tips 4 and 5: how the change is communicated and who takes part."),
        ("communication", "change_organisation", "administrative_groups"),
        _combined(_texts("communication", "change_organisation"), _groups),
    ),
    EditorSection(
        "standards",
        _l("Standards and national solutions"),
        _l("Tip 6: the standards and national solutions to adapt to, and how far you have come."),
        ("standards",),
        _rows("standards"),
    ),
    EditorSection(
        "steps",
        _l("Steps and budget"),
        _l("Tips 7 and 10: the work in small steps; the budget is the sum of their costs."),
        ("steps",),
        _rows("steps"),
    ),
    EditorSection(
        "competence",
        _l("Competence and external monitoring"),
        _l("Tip 8: competence supply and what you watch, and how."),
        ("competence_supply", "external_monitoring"),
        _texts("competence_supply", "external_monitoring"),
    ),
    EditorSection(
        "partners",
        _l("Partners"),
        _l("Tip 9: other organisations on the portal you work with."),
        ("partner_ids",),
        _rows("partners"),
    ),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)


def get_section(key: str) -> EditorSection | None:
    return next((s for s in SECTIONS if s.key == key), None)


def next_section(key: str) -> EditorSection | None:
    index = SECTION_KEYS.index(key)
    return SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None


def section_of_field(name: str) -> EditorSection | None:
    """The section that holds a field, given an error key such as `steps-2-end_date`."""
    head = name.split("-", 1)[0]
    return next((s for s in SECTIONS if head in s.fields), None)


# The portal's own maturity scale (shared/domain.md), shown next to each choice in the editor.
MATURITY_LEVELS: tuple[tuple[int, str, str], ...] = (
    (1, _l("Initial"), _l("Paper, PDF or person-dependent; no shared structure.")),
    (2, _l("Started"), _l("Pilots and digital parts; structure differs between units.")),
    (
        3,
        _l("Defined"),
        _l("A documented, digital way of working in most of the process; standards chosen."),
    ),
    (
        4,
        _l("Managed"),
        _l("Digital through the whole process, followed up with measures, connected systems."),
    ),
    (
        5,
        _l("Leading"),
        _l("End to end and automated where it can be, to national standards, shared with others."),
    ),
)
