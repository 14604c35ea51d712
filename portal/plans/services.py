"""Action-plan operations: each checks its own permission, validates, changes and flushes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import ONETOMANY, RelationshipProperty, contains_eager, selectinload

from portal.accounts.models import User
from portal.core.database import lock_for_update, lock_row
from portal.core.models import utcnow
from portal.core.pagination import Page, paginate
from portal.core.queries import contains_text
from portal.core.rules import raise_field_errors
from portal.core.versions import require_unchanged_since
from portal.errors import NotFound, ValidationError
from portal.extensions import db
from portal.notifications import services as notifications
from portal.orgs.models import Organisation, OrganisationKind, Role
from portal.orgs.services import can_edit_content, is_member, member_organisations, require_role
from portal.plans.budget import Budget, plan_budget
from portal.plans.models import (
    ADMINISTRATIVE_GROUPS,
    DECISION_FIELDS,
    STEP_FIELDS,
    STRATEGY_FIELDS,
    TEXT_SECTIONS,
    AdoptionStatus,
    MaturityDimension,
    Plan,
    PlanDecision,
    PlanMaturity,
    PlanPartner,
    PlanRevision,
    PlanStandard,
    PlanStatus,
    PlanStep,
    PlanStrategy,
    StepStatus,
    fields_of,
    plan_detail_options,
    plan_head,
)
from portal.standards.models import Standard

MIN_YEAR = 1990
MAX_YEAR = 2100
# A sane upper bound for one step: ten billion SEK.
MAX_COST_SEK = 10_000_000_000
MAX_COST_TEXT = "10 000 000 000"
MAX_ROWS = 200

__all__ = [
    "Budget",
    "DecisionInput",
    "MaturityInput",
    "PlanFilter",
    "PlanInput",
    "StandardInput",
    "StepInput",
    "StrategyInput",
    "plan_budget",
]


# --- input -----------------------------------------------------------------------------------


@dataclass
class StrategyInput:
    title: str
    owner: str | None = None
    url: str | None = None
    year: int | None = None
    key: str | None = None


@dataclass
class DecisionInput:
    body: str
    decided_on: date | None = None
    description: str | None = None
    key: str | None = None


@dataclass
class MaturityInput:
    dimension_id: int
    current_level: int | None
    target_level: int | None
    key: str | None = None


@dataclass
class StandardInput:
    standard_id: int
    status: AdoptionStatus = AdoptionStatus.NOT_STARTED
    note: str | None = None
    key: str | None = None


@dataclass
class StepInput:
    title: str
    start_date: date | None
    end_date: date | None
    description: str | None = None
    cost_sek: int | None = None
    responsible: str | None = None
    status: StepStatus = StepStatus.PLANNED
    standard_ids: list[int] = field(default_factory=list)
    # The existing step this row edits (kept so revisions can tell a change from a new step).
    id: int | None = None
    position: int | None = None
    key: str | None = None


@dataclass
class PlanInput:
    title: str
    period_start_year: int | None
    period_end_year: int | None
    summary: str | None = None
    sections: dict[str, str | None] = field(default_factory=dict)
    expected_benefits_sek: int | None = None
    administrative_groups: list[str] = field(default_factory=list)
    strategies: list[StrategyInput] = field(default_factory=list)
    decisions: list[DecisionInput] = field(default_factory=list)
    partner_ids: list[int] = field(default_factory=list)
    maturity: list[MaturityInput] = field(default_factory=list)
    standards: list[StandardInput] = field(default_factory=list)
    steps: list[StepInput] = field(default_factory=list)


# --- permissions -----------------------------------------------------------------------------


def can_view_plan(user: User | None, plan: Plan) -> bool:
    """Published and archived plans are public; drafts only for the owning organisation."""
    return plan.status != PlanStatus.DRAFT or is_member(user, plan.organisation)


def can_edit_plan(user: User | None, plan: Plan) -> bool:
    return can_edit_content(user, plan.organisation)


def _require_plan_editor(actor: User | None, plan: Plan) -> None:
    # Someone who may not even see a draft learns nothing about it.
    if not can_view_plan(actor, plan):
        raise NotFound(_("No such plan."))
    require_role(actor, plan.organisation, Role.EDITOR)


def editable_organisations(actor: User | None) -> list[Organisation]:
    """Organisations where the actor is an editor or admin (and so may write plans)."""
    return sorted(member_organisations(actor, Role.EDITOR), key=lambda o: o.name)


# --- reading ---------------------------------------------------------------------------------


def get_plan(actor: User | None, plan_id: int, *, full: bool = True) -> Plan:
    """Return a plan the actor may see, with its parts loaded; drafts are 404 to outsiders."""
    stmt = select(Plan).where(Plan.id == plan_id)
    if full:
        stmt = stmt.options(*plan_detail_options())
    plan = db.session.scalar(stmt)
    if plan is None or not can_view_plan(actor, plan):
        raise NotFound(_("No such plan."))
    return plan


@dataclass(frozen=True)
class PlanFilter:
    kind: OrganisationKind | None = None
    county_code: str | None = None
    organisation_id: int | None = None
    status: PlanStatus | None = None
    year: int | None = None
    standard_id: int | None = None
    q: str | None = None


SORTS = ("updated", "title", "budget")


def _step_totals_subquery():
    """SQL aggregate of step costs per plan (cancelled steps and unknown costs excluded)."""
    return (
        select(
            PlanStep.plan_id.label("plan_id"),
            func.coalesce(func.sum(PlanStep.cost_sek), 0).label("total"),
        )
        .where(PlanStep.status != StepStatus.CANCELLED)
        .group_by(PlanStep.plan_id)
        .subquery()
    )


def public_plans_query(
    filters: PlanFilter, sort: str = "updated", draft_organisation_ids: Sequence[int] = ()
) -> Select:
    """Published and archived plans matching the filters, sorted.

    Drafts appear only of the organisations in `draft_organisation_ids` (see
    `draft_organisations`); by default never.
    """
    # Published or archived, written as "not a draft": almost every plan qualifies, so the
    # database should read the sort order's index and stop at a page, not use the status index.
    visible = Plan.status != PlanStatus.DRAFT
    if draft_organisation_ids:
        visible = or_(
            visible,
            and_(
                Plan.status == PlanStatus.DRAFT,
                Plan.organisation_id.in_(list(draft_organisation_ids)),
                # A working copy is listed as its published plan, never beside it.
                Plan.working_copy_of_id.is_(None),
            ),
        )
    stmt = select(Plan).where(visible)
    if filters.status is not None:
        stmt = stmt.where(Plan.status == filters.status)
    if filters.kind or filters.county_code:
        orgs = select(Organisation.id)
        if filters.kind:
            orgs = orgs.where(Organisation.kind == filters.kind)
        if filters.county_code:
            orgs = orgs.where(Organisation.county_code == filters.county_code)
        stmt = stmt.where(Plan.organisation_id.in_(orgs))
    if filters.organisation_id:
        stmt = stmt.where(Plan.organisation_id == filters.organisation_id)
    if filters.year:
        stmt = stmt.where(
            Plan.period_start_year <= filters.year, Plan.period_end_year >= filters.year
        )
    if filters.standard_id:
        stmt = stmt.where(
            Plan.id.in_(
                select(PlanStandard.plan_id).where(PlanStandard.standard_id == filters.standard_id)
            )
        )
    term = (filters.q or "").strip()[:100]
    if term:
        stmt = stmt.where(contains_text(Plan.title, term))
    if sort == "title":
        stmt = stmt.order_by(func.lower(Plan.title), Plan.id)
    elif sort == "budget":
        totals = _step_totals_subquery()
        stmt = stmt.outerjoin(totals, totals.c.plan_id == Plan.id).order_by(
            func.coalesce(totals.c.total, 0).desc(), Plan.id
        )
    else:
        stmt = stmt.order_by(Plan.updated_at.desc(), Plan.id.desc())
    return stmt


def list_plans(
    filters: PlanFilter,
    sort: str = "updated",
    page: int = 1,
    per_page: int = 20,
    draft_organisation_ids: Sequence[int] = (),
):
    """Return a page of public plans and their budget totals {plan_id: SEK}."""
    result: Page = paginate(
        public_plans_query(filters, sort, draft_organisation_ids), page, per_page
    )
    return result, budget_totals([p.id for p in result.items])


def export_plans(
    filters: PlanFilter,
    sort: str = "updated",
    limit: int = 10_000,
    draft_organisation_ids: Sequence[int] = (),
) -> tuple[list[Plan], dict[int, int]]:
    """Every plan matching the filters (up to `limit`) with their budget totals, for CSV."""
    plans = list(
        db.session.scalars(public_plans_query(filters, sort, draft_organisation_ids).limit(limit))
    )
    return plans, budget_totals([p.id for p in plans])


def draft_organisations(actor: User | None) -> list[int]:
    """Ids of the organisations whose drafts the actor may see in lists: their memberships.

    Site admins see every draft by its address, but lists show them only their own
    organisations' drafts like everyone else.
    """
    return [org.id for org in member_organisations(actor, Role.MEMBER)]


def budget_totals(plan_ids: Sequence[int]) -> dict[int, int]:
    """Total budget per plan in one query (the same rule as `plan_budget`)."""
    if not plan_ids:
        return {}
    totals = _step_totals_subquery()
    rows = db.session.execute(
        select(totals.c.plan_id, totals.c.total).where(totals.c.plan_id.in_(list(plan_ids)))
    )
    found = {plan_id: int(total or 0) for plan_id, total in rows}
    return {plan_id: found.get(plan_id, 0) for plan_id in plan_ids}


def recent_plans(
    limit: int = 5, *, organisation_id: int | None = None, standard_id: int | None = None
) -> list[Plan]:
    """The latest published plans, newest publication first, with their organisations: what
    anyone may see (never a draft, whoever asks); optionally only an organisation's, or only
    those that adapt to a standard (for its feed)."""
    stmt = select(Plan).where(Plan.status == PlanStatus.PUBLISHED)
    if organisation_id is not None:
        stmt = stmt.where(Plan.organisation_id == organisation_id)
    if standard_id is not None:
        stmt = stmt.where(
            Plan.id.in_(select(PlanStandard.plan_id).where(PlanStandard.standard_id == standard_id))
        )
    stmt = (
        stmt.order_by(Plan.published_at.desc(), Plan.id.desc())
        .limit(limit)
        .options(selectinload(Plan.organisation))
    )
    return list(db.session.scalars(stmt))


def _organisation_plans(actor: User | None, org: Organisation) -> Select:
    """The organisation's plans the actor may see: drafts only for its members (a working copy
    never: its published plan stands for it); the current one first, then the newest period."""
    stmt = select(Plan).where(Plan.organisation_id == org.id)
    # Written so that the database reads the organisation's plans by its index: a bare
    # "working_copy_of_id IS NULL" makes SQLite take that column's unique index for one row
    # and read every plan of the portal. A working copy is always a draft.
    if is_member(actor, org):
        stmt = stmt.where(or_(Plan.status != PlanStatus.DRAFT, Plan.working_copy_of_id.is_(None)))
    else:
        stmt = stmt.where(Plan.status != PlanStatus.DRAFT)
    order = case((Plan.is_current, 0), else_=1)
    return stmt.order_by(order, Plan.period_start_year.desc(), Plan.id)


def list_organisation_plans(actor: User | None, org: Organisation) -> list[Plan]:
    """Every plan of the organisation the actor may see (its page lists them all)."""
    return list(db.session.scalars(_organisation_plans(actor, org)))


def list_dimensions() -> list[MaturityDimension]:
    return list(
        db.session.scalars(
            select(MaturityDimension)
            .where(MaturityDimension.active.is_(True))
            .order_by(MaturityDimension.position)
        )
    )


def list_standards() -> list[Standard]:
    return list(db.session.scalars(select(Standard).order_by(Standard.name)))


def list_partner_candidates() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def list_revisions(actor: User | None, plan: Plan) -> list[PlanRevision]:
    """A plan's published revisions, oldest first (as visible as the plan itself)."""
    if not can_view_plan(actor, plan):
        raise NotFound(_("No such plan."))
    return list(
        db.session.scalars(
            select(PlanRevision)
            .where(PlanRevision.plan_id == plan.id)
            .options(selectinload(PlanRevision.published_by))
            .order_by(PlanRevision.number)
        )
    )


def get_revision(actor: User | None, plan: Plan, number: int) -> PlanRevision:
    if not can_view_plan(actor, plan):
        raise NotFound(_("No such plan."))
    revision = db.session.scalar(
        select(PlanRevision).where(PlanRevision.plan_id == plan.id, PlanRevision.number == number)
    )
    if revision is None:
        raise NotFound(_("No such revision."))
    return revision


# --- validation ------------------------------------------------------------------------------


def _clean(text: str | None, limit: int | None = None) -> str | None:
    text = (text or "").strip()
    if limit:
        text = text[:limit]
    return text or None


def _validate(data: PlanInput, org: Organisation) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not (data.title or "").strip():
        add("title", _("Give the plan a title."))
    elif len(data.title.strip()) > 300:
        add("title", _("At most 300 characters."))
    start, end = data.period_start_year, data.period_end_year
    for name, year in (("period_start_year", start), ("period_end_year", end)):
        if year is None:
            add(name, _("Enter a year, e.g. 2025."))
        elif not MIN_YEAR <= year <= MAX_YEAR:
            add(name, _("Enter a year between %(min)d and %(max)d.", min=MIN_YEAR, max=MAX_YEAR))
    period_ok = "period_start_year" not in errors and "period_end_year" not in errors
    if period_ok and end < start:
        add("period_end_year", _("The end year cannot be before the start year."))
        period_ok = False
    if data.expected_benefits_sek is not None and not (
        0 <= data.expected_benefits_sek <= MAX_COST_SEK
    ):
        add("expected_benefits_sek", _("Enter a whole number of SEK from 0 upwards."))
    for group in data.administrative_groups:
        if group not in ADMINISTRATIVE_GROUPS:
            add("administrative_groups", _("Unknown administrative group."))
    for name in data.sections:
        if name not in TEXT_SECTIONS:
            add(name, _("Unknown section."))

    for i, strategy in enumerate(data.strategies):
        key = strategy.key or f"strategies-{i}"
        if not (strategy.title or "").strip():
            add(f"{key}-title", _("Give the strategy a title."))
        if strategy.year is not None and not MIN_YEAR - 40 <= strategy.year <= MAX_YEAR:
            add(f"{key}-year", _("Enter a year, e.g. 2025."))
        if strategy.url and not strategy.url.startswith(("http://", "https://")):
            add(f"{key}-url", _("Enter a web address starting with https://"))
    for i, decision in enumerate(data.decisions):
        key = decision.key or f"decisions-{i}"
        if not (decision.body or "").strip():
            add(f"{key}-body", _("Name the body that decided, e.g. Kommunstyrelsen."))

    dimension_ids = set(db.session.scalars(select(MaturityDimension.id)))
    seen_dimensions: set[int] = set()
    for i, row in enumerate(data.maturity):
        key = row.key or f"maturity-{i}"
        if row.dimension_id not in dimension_ids or row.dimension_id in seen_dimensions:
            add(f"{key}-current_level", _("Unknown maturity dimension."))
            continue
        seen_dimensions.add(row.dimension_id)
        for name, level in (
            ("current_level", row.current_level),
            ("target_level", row.target_level),
        ):
            if level is None:
                add(f"{key}-{name}", _("Choose both the current and the target level (1-5)."))
            elif not 1 <= level <= 5:
                add(f"{key}-{name}", _("A level is from 1 to 5."))

    all_standard_ids = set(db.session.scalars(select(Standard.id)))
    seen_standards: set[int] = set()
    for i, row in enumerate(data.standards):
        key = row.key or f"standards-{i}"
        if row.standard_id not in all_standard_ids:
            add(f"{key}-standard_id", _("Choose a standard from the catalogue."))
        elif row.standard_id in seen_standards:
            add(f"{key}-standard_id", _("This standard is already in the plan."))
        seen_standards.add(row.standard_id)

    partner_ids = set(data.partner_ids)
    if partner_ids:
        found = set(
            db.session.scalars(select(Organisation.id).where(Organisation.id.in_(partner_ids)))
        )
        if found != partner_ids:
            add("partner_ids", _("Unknown organisation."))
        if org.id in partner_ids:
            add("partner_ids", _("An organisation cannot be its own partner."))

    if len(data.steps) > MAX_ROWS:
        add("steps", _("At most %(n)d steps.", n=MAX_ROWS))
    for i, step in enumerate(data.steps):
        key = step.key or f"steps-{i}"
        if not (step.title or "").strip():
            add(f"{key}-title", _("Give the step a title."))
        if step.start_date is None:
            add(f"{key}-start_date", _("Enter a start date."))
        if step.end_date is None:
            add(f"{key}-end_date", _("Enter an end date."))
        if step.start_date and step.end_date:
            if step.end_date < step.start_date:
                add(f"{key}-end_date", _("The end date cannot be before the start date."))
            elif period_ok and (step.start_date.year < start or step.end_date.year > end):
                add(
                    f"{key}-end_date" if step.start_date.year >= start else f"{key}-start_date",
                    _(
                        "The step must lie within the plan's period %(start)d-%(end)d.",
                        start=start,
                        end=end,
                    ),
                )
        if step.cost_sek is not None and not 0 <= step.cost_sek <= MAX_COST_SEK:
            add(
                f"{key}-cost_sek",
                _(
                    "Enter the cost as a whole number of SEK from 0 to %(max)s.",
                    max=MAX_COST_TEXT,
                ),
            )
        if not set(step.standard_ids) <= all_standard_ids:
            add(f"{key}-standard_ids", _("Choose standards from the catalogue."))
    return errors


def check_plan_input(data: PlanInput, org: Organisation) -> dict[str, list[str]]:
    """Return the field errors `create_plan`/`update_plan` would raise (changes nothing)."""
    return _validate(data, org)


# --- changing --------------------------------------------------------------------------------


def _apply(plan: Plan, data: PlanInput) -> None:
    plan.title = data.title.strip()
    plan.summary = _clean(data.summary)
    plan.period_start_year = data.period_start_year
    plan.period_end_year = data.period_end_year
    for name in TEXT_SECTIONS:
        if name in data.sections:
            setattr(plan, name, _clean(data.sections[name]))
    plan.expected_benefits_sek = data.expected_benefits_sek
    plan.administrative_groups = [
        g for g in ADMINISTRATIVE_GROUPS if g in data.administrative_groups
    ]

    plan.strategies = [
        PlanStrategy(
            position=i,
            title=s.title.strip()[:300],
            owner=_clean(s.owner, 200),
            url=_clean(s.url, 500),
            year=s.year,
        )
        for i, s in enumerate(data.strategies)
    ]
    plan.decisions = [
        PlanDecision(
            position=i,
            body=d.body.strip()[:200],
            decided_on=d.decided_on,
            description=_clean(d.description),
        )
        for i, d in enumerate(data.decisions)
    ]
    existing_partners = {p.organisation_id: p for p in plan.partners}
    plan.partners = [
        existing_partners.get(org_id) or PlanPartner(organisation_id=org_id)
        for org_id in dict.fromkeys(data.partner_ids)
    ]
    existing_maturity = {m.dimension_id: m for m in plan.maturity}
    maturity = []
    for row in data.maturity:
        item = existing_maturity.get(row.dimension_id) or PlanMaturity(
            dimension_id=row.dimension_id
        )
        item.current_level, item.target_level = row.current_level, row.target_level
        maturity.append(item)
    plan.maturity = maturity
    existing_standards = {s.standard_id: s for s in plan.standards}
    standards = []
    for row in data.standards:
        item = existing_standards.get(row.standard_id) or PlanStandard(standard_id=row.standard_id)
        item.status, item.note = AdoptionStatus(row.status), _clean(row.note)
        standards.append(item)
    plan.standards = standards

    catalogue = {
        s.id: s
        for s in db.session.scalars(
            select(Standard).where(
                Standard.id.in_({sid for step in data.steps for sid in step.standard_ids})
            )
        )
    }
    existing_steps = {s.id: s for s in plan.steps}
    ordered = sorted(
        enumerate(data.steps),
        key=lambda pair: (pair[1].position if pair[1].position is not None else pair[0], pair[0]),
    )
    steps = []
    for position, (_i, row) in enumerate(ordered):
        step = existing_steps.pop(row.id, None) if row.id is not None else None
        step = step or PlanStep()
        step.position = position
        step.title = row.title.strip()[:300]
        step.description = _clean(row.description)
        step.start_date, step.end_date = row.start_date, row.end_date
        step.cost_sek = row.cost_sek
        step.responsible = _clean(row.responsible, 200)
        step.status = StepStatus(row.status)
        step.standards = [catalogue[sid] for sid in dict.fromkeys(row.standard_ids)]
        steps.append(step)
    plan.steps = steps


def create_plan(actor: User | None, org: Organisation, data: PlanInput) -> Plan:
    """Create a draft plan for an organisation (its editors and admins, and site admins)."""
    require_role(actor, org, Role.EDITOR)
    errors = _validate(data, org)
    raise_field_errors(errors)
    plan = Plan(organisation=org, status=PlanStatus.DRAFT, created_by=actor, is_current=False)
    db.session.add(plan)
    _apply(plan, data)
    db.session.flush()
    return plan


# The step columns a `StepInput` carries as they are stored.
_STEP_COLUMNS = (
    "id", "position", "title", "description", "start_date", "end_date", "cost_sek", "responsible"
)  # fmt: skip


def stored_input(plan: Plan) -> PlanInput:
    """The plan's content as it is stored, in the shape of an input: what a change of some of
    its fields (a section of the editor) starts from."""
    return PlanInput(
        title=plan.title,
        period_start_year=plan.period_start_year,
        period_end_year=plan.period_end_year,
        summary=plan.summary,
        sections={name: getattr(plan, name) for name in TEXT_SECTIONS},
        expected_benefits_sek=plan.expected_benefits_sek,
        administrative_groups=list(plan.administrative_groups or []),
        strategies=[
            StrategyInput(title=s.title, owner=s.owner, url=s.url, year=s.year)
            for s in plan.strategies
        ],
        decisions=[
            DecisionInput(body=d.body, decided_on=d.decided_on, description=d.description)
            for d in plan.decisions
        ],
        partner_ids=[p.organisation_id for p in plan.partners],
        maturity=[
            MaturityInput(m.dimension_id, m.current_level, m.target_level)
            for m in sorted(plan.maturity, key=lambda m: m.dimension.position)
        ],
        standards=[
            StandardInput(s.standard_id, AdoptionStatus(s.status), s.note) for s in plan.standards
        ],
        steps=[
            StepInput(
                **{name: getattr(s, name) for name in _STEP_COLUMNS},
                status=StepStatus(s.status),
                standard_ids=[st.id for st in s.standards],
            )
            for s in plan.steps
        ],
    )


def merged_input(plan: Plan, changes: Mapping[str, Any]) -> PlanInput:
    """The stored plan with the given `PlanInput` fields replaced; `sections` replaces only the
    text sections it names."""
    base = stored_input(plan)
    unknown = set(changes) - set(PlanInput.__dataclass_fields__)
    if unknown:
        raise ValueError(f"not fields of a plan: {sorted(unknown)}")
    fields = {name: value for name, value in changes.items() if name != "sections"}
    return replace(base, **fields, sections={**base.sections, **changes.get("sections", {})})


def update_plan_part(
    actor: User | None,
    plan: Plan,
    changes: Mapping[str, Any],
    *,
    loaded_version: str | None = None,
) -> Plan:
    """Change only the named fields of a draft plan (one section of the editor): everything
    else keeps what is stored, validated by the same rules as a whole update. A save by
    someone else since `loaded_version` is refused, so a merge over stale lists is never
    written."""
    return update_plan(actor, plan, merged_input(plan, changes), loaded_version=loaded_version)


def update_plan(
    actor: User | None, plan: Plan, data: PlanInput, *, loaded_version: str | None = None
) -> Plan:
    """Change a draft plan, or the working copy of a published one (its next version).
    `loaded_version` (from the edit form) refuses the change if someone else saved since."""
    _require_plan_editor(actor, plan)
    _lock_plan(plan)
    if plan.status != PlanStatus.DRAFT:
        draft = _working_copy_of(plan)
        if draft is None:
            raise ValidationError(
                _("The plan is published: start a new version first, then edit that draft.")
            )
        plan = draft
        lock_for_update(plan, "status", "updated_at")
    require_unchanged_since(plan, loaded_version)
    errors = _validate(data, plan.organisation)
    raise_field_errors(errors)
    _apply(plan, data)
    plan.updated_at = utcnow()
    db.session.flush()
    return plan


def snapshot_plan(plan: Plan) -> dict[str, Any]:
    """The whole plan as plain JSON data, as stored in a revision."""
    return {
        "schema": 1,
        "id": plan.id,
        "organisation": {
            "id": plan.organisation.id,
            "slug": plan.organisation.slug,
            "name": plan.organisation.name,
        },
        **plan_head(plan),
        "is_example": plan.is_example,
        "strategies": [fields_of(s, STRATEGY_FIELDS) for s in plan.strategies],
        "decisions": [
            {
                **fields_of(d, DECISION_FIELDS),
                "decided_on": d.decided_on.isoformat() if d.decided_on else None,
            }
            for d in plan.decisions
        ],
        "partners": [
            {"id": p.organisation.id, "slug": p.organisation.slug, "name": p.organisation.name}
            for p in plan.partners
        ],
        "maturity": [
            {
                "dimension_id": m.dimension_id,
                "key": m.dimension.key,
                "position": m.dimension.position,
                "name_sv": m.dimension.name_sv,
                "name_en": m.dimension.name_en,
                "current_level": m.current_level,
                "target_level": m.target_level,
            }
            for m in sorted(plan.maturity, key=lambda m: m.dimension.position)
        ],
        "standards": [
            {
                "standard_id": s.standard_id,
                "slug": s.standard.slug,
                "name": s.standard.name,
                "status": AdoptionStatus(s.status).value,
                "note": s.note,
            }
            for s in plan.standards
        ],
        "steps": [
            {
                "id": s.id,
                "position": s.position,
                **fields_of(s, STEP_FIELDS),
                "start_date": s.start_date.isoformat(),
                "end_date": s.end_date.isoformat(),
                "status": StepStatus(s.status).value,
                "standards": [
                    {"id": st.id, "slug": st.slug, "name": st.name} for st in s.standards
                ],
            }
            for s in plan.steps
        ],
    }


def _lock_plan(plan: Plan) -> None:
    """Hold the plan's organisation and the plan itself until the transaction ends, and read
    its state afresh: of two requests that change a plan's state at once (publish, archive,
    reopen, make current, edit), the second sees the first's result (portal/core/database.py).
    The organisation first, always, so that two requests never wait for each other."""
    lock_row(Organisation, plan.organisation_id)
    lock_for_update(plan, "status", "is_current", "updated_at")


def publish_plan(actor: User | None, plan: Plan, *, at: datetime | None = None) -> PlanRevision:
    """Publish a draft and store an immutable revision of it (verified organisations only).

    A working copy (or a published plan that has one) publishes into the published plan:
    its content replaces the public one, which keeps its id and address and gains the
    revision; the working copy is gone. `at` dates a plan published before it came to the
    portal (the demo's real plans); by default now."""
    _require_plan_editor(actor, plan)
    public = plan.working_copy_of if plan.working_copy_of_id else plan
    _lock_plan(public)
    if not public.organisation.verified:
        raise ValidationError(_("The organisation must be verified before it can publish."))
    if public.status == PlanStatus.DRAFT:
        return _add_revision(actor, public, at)
    draft = _working_copy_of(public)
    if draft is None:
        raise ValidationError(_("Only drafts can be published."))
    _take_content(public, draft)
    db.session.delete(draft)
    db.session.flush()
    return _add_revision(actor, public, at)


def _add_revision(actor: User | None, plan: Plan, at: datetime | None) -> PlanRevision:
    """Mark the plan published now (current if its organisation has no other) and store the
    revision of what it says."""
    db.session.flush()
    number = (
        db.session.scalar(
            select(func.max(PlanRevision.number)).where(PlanRevision.plan_id == plan.id)
        )
        or 0
    ) + 1
    now = at or utcnow()
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = now
    plan.updated_at = now
    if not db.session.scalar(
        select(Plan.id).where(
            Plan.organisation_id == plan.organisation_id,
            Plan.is_current.is_(True),
            Plan.id != plan.id,
        )
    ):
        plan.is_current = True
    revision = PlanRevision(
        plan=plan,
        number=number,
        published_at=now,
        published_by=actor,
        snapshot=snapshot_plan(plan),
    )
    db.session.add(revision)
    db.session.flush()
    notifications.notify_plan_published(actor, plan, revision)
    return revision


def archive_plan(actor: User | None, plan: Plan) -> Plan:
    """Archive a published plan: it stays public, marked as no longer in force."""
    _require_plan_editor(actor, plan)
    _lock_plan(plan)
    if plan.status != PlanStatus.PUBLISHED:
        raise ValidationError(_("Only published plans can be archived."))
    plan.status = PlanStatus.ARCHIVED
    plan.is_current = False
    db.session.flush()
    return plan


def reopen_plan(actor: User | None, plan: Plan) -> Plan:
    """Start the next version of a published or archived plan: a working copy of it, which
    its organisation edits while the plan itself stays public and unchanged. Returns the
    working copy."""
    _require_plan_editor(actor, plan)
    _lock_plan(plan)
    if plan.status == PlanStatus.DRAFT:
        raise ValidationError(_("The plan is already a draft."))
    if _working_copy_of(plan) is not None:
        raise ValidationError(
            _("A new version of this plan is already being written; edit that draft.")
        )
    draft = _copy_plan(plan)
    db.session.add(draft)
    db.session.flush()
    return draft


def discard_working_copy(actor: User | None, plan: Plan) -> Plan:
    """Throw away the draft of a plan's next version (named by the plan or by the draft);
    the published plan stays as it is. Returns the published plan."""
    _require_plan_editor(actor, plan)
    public = plan.working_copy_of if plan.working_copy_of_id else plan
    _lock_plan(public)
    draft = _working_copy_of(public)
    if draft is None:
        raise ValidationError(_("There is no draft of a new version to discard."))
    db.session.delete(draft)
    db.session.flush()
    return public


def working_copy_for(actor: User | None, plan: Plan) -> Plan | None:
    """The draft of the plan's next version, if there is one and the actor may see it."""
    if plan.status == PlanStatus.DRAFT or not is_member(actor, plan.organisation):
        return None
    return plan.working_copy


def editable_version(plan: Plan) -> Plan:
    """What an edit of this plan changes: its working copy when it has one, else itself."""
    if plan.status == PlanStatus.DRAFT:
        return plan
    return plan.working_copy or plan


def plans_in_revision(actor: User | None, plans: Sequence[Plan]) -> set[int]:
    """Ids of those plans that have a draft of a next version the actor may see (one query)."""
    visible = [
        p.id for p in plans if p.status != PlanStatus.DRAFT and is_member(actor, p.organisation)
    ]
    if not visible:
        return set()
    return set(
        db.session.scalars(
            select(Plan.working_copy_of_id).where(Plan.working_copy_of_id.in_(visible))
        )
    )


def _working_copy_of(plan: Plan) -> Plan | None:
    """The plan's working copy, read afresh (after the plan's lock, a concurrent start or
    discard of it has finished)."""
    return db.session.scalar(
        select(Plan)
        .where(Plan.working_copy_of_id == plan.id)
        .execution_options(populate_existing=True)
    )


# What a working copy does not take from its plan, nor give back when published: identity,
# state and history. Every other column (and every column a later change adds) is content.
_NOT_CONTENT = frozenset(
    {
        "id",
        "organisation_id",
        "status",
        "is_current",
        "created_at",
        "updated_at",
        "created_by_id",
        "published_at",
        "working_copy_of_id",
    }
)


def _content_collections() -> list[RelationshipProperty]:
    """The plan's parts (strategies, steps, ...): every collection it owns, whatever module
    added it, so that a working copy carries each of them."""
    return [
        rel
        for rel in sa_inspect(Plan).relationships
        if rel.uselist and rel.direction is ONETOMANY and rel.cascade.delete_orphan
    ]


def _copy_columns(source: Any, target: Any, skip: frozenset[str]) -> None:
    for column in sa_inspect(type(source)).column_attrs:
        if column.key not in skip:
            setattr(target, column.key, getattr(source, column.key))


def _copy_row(row: Any, parent_key: str) -> Any:
    """A new row with `row`'s content, its owned rows copied too and its links to shared rows
    (a step's standards) kept; `parent_key` is the column that names the owner."""
    mapper = sa_inspect(type(row))
    copy = mapper.class_()
    skip = frozenset({*(c.key for c in mapper.primary_key), parent_key})
    _copy_columns(row, copy, skip)
    for rel in mapper.relationships:
        if rel.secondary is not None:
            setattr(copy, rel.key, list(getattr(row, rel.key)))
        elif rel.uselist and rel.direction is ONETOMANY and rel.cascade.delete_orphan:
            (fk,) = rel.remote_side
            setattr(copy, rel.key, [_copy_row(child, fk.key) for child in getattr(row, rel.key)])
    if hasattr(copy, "copied_from_id"):
        copy.copied_from_id = row.id
    return copy


def _copy_plan(plan: Plan) -> Plan:
    """A working copy of a public plan: a draft with the same content and parts."""
    draft = Plan(
        organisation_id=plan.organisation_id,
        status=PlanStatus.DRAFT,
        is_current=False,
        created_by_id=plan.created_by_id,
        working_copy_of_id=plan.id,
    )
    _copy_columns(plan, draft, _NOT_CONTENT)
    for rel in _content_collections():
        (fk,) = rel.remote_side
        setattr(draft, rel.key, [_copy_row(row, fk.key) for row in getattr(plan, rel.key)])
    return draft


def _take_content(public: Plan, draft: Plan) -> None:
    """Put the working copy's content into the published plan: columns copied, parts moved
    over (a part that continues a published one, like a step, is written into it instead, so
    its id stays)."""
    _copy_columns(draft, public, _NOT_CONTENT)
    moves: dict[str, list[Any]] = {}
    for rel in _content_collections():
        published = {row.id: row for row in getattr(public, rel.key)}
        kept, rows = [], []
        for row in getattr(draft, rel.key):
            continued = published.get(getattr(row, "copied_from_id", None))
            if continued is not None:
                (fk,) = rel.remote_side
                mapper = sa_inspect(type(row))
                skip = {*(c.key for c in mapper.primary_key), fk.key, "copied_from_id"}
                _copy_columns(row, continued, frozenset(skip))
                for link in mapper.relationships:
                    if link.secondary is not None:
                        setattr(continued, link.key, list(getattr(row, link.key)))
                kept.append(continued)
                rows.append(continued)
            else:
                rows.append(row)
        moves[rel.key] = rows
        # Rows the new version no longer has go first, so that a moved row never meets the
        # one it replaces in a unique constraint (a partner, a maturity dimension).
        setattr(public, rel.key, kept)
    db.session.flush()
    for key, rows in moves.items():
        for row in rows:
            if hasattr(row, "copied_from_id"):
                row.copied_from_id = None
        # Out of the draft first: a collection without a back-reference (attachments) would
        # otherwise still hold the rows when the draft is deleted, and delete them with it.
        setattr(draft, key, [])
        setattr(public, key, rows)
    db.session.flush()


def set_current_plan(actor: User | None, plan: Plan) -> Plan:
    """Mark a published plan as the organisation's current one (and no other)."""
    _require_plan_editor(actor, plan)
    _lock_plan(plan)
    if plan.status != PlanStatus.PUBLISHED:
        raise ValidationError(_("Only a published plan can be the current plan."))
    for other in db.session.scalars(
        select(Plan).where(
            Plan.organisation_id == plan.organisation_id,
            Plan.is_current.is_(True),
            Plan.id != plan.id,
        )
    ):
        other.is_current = False
    plan.is_current = True
    db.session.flush()
    return plan


# How many of the organisation's other plans a plan's page names; the plans list has them all.
OTHER_PLANS_SHOWN = 10


def other_plans(actor: User | None, plan: Plan) -> tuple[list[Plan], bool]:
    """The first OTHER_PLANS_SHOWN of the organisation's other plans the actor may see, and
    whether it has more (one query, however many plans the organisation has written)."""
    stmt = _organisation_plans(actor, plan.organisation).where(Plan.id != plan.id)
    plans = list(db.session.scalars(stmt.limit(OTHER_PLANS_SHOWN + 1)))
    return plans[:OTHER_PLANS_SHOWN], len(plans) > OTHER_PLANS_SHOWN


def organisation_choices(actor: User | None) -> list[Organisation]:
    """Organisations the actor can create plans for (site admins: any organisation)."""
    if actor is not None and actor.is_site_admin:
        return list_partner_candidates()
    return editable_organisations(actor)


def find_organisation(actor: User | None, organisation_id: int | None) -> Organisation:
    org = db.session.get(Organisation, organisation_id) if organisation_id else None
    if org is None:
        raise ValidationError(
            _("Please correct the marked fields."),
            {"organisation_id": [_("Choose the organisation the plan belongs to.")]},
        )
    return org


def may_create_any(actor: User | None) -> bool:
    return actor is not None and (actor.is_site_admin or bool(editable_organisations(actor)))


def plans_adapting_to_standard(standard: Standard, limit: int = 100) -> list[PlanStandard]:
    """Public plans that adapt to a standard, with their adoption status (for its page)."""
    return list(
        db.session.scalars(
            select(PlanStandard)
            .join(PlanStandard.plan)
            .join(Plan.organisation)
            .where(
                PlanStandard.standard_id == standard.id,
                Plan.status.in_([PlanStatus.PUBLISHED, PlanStatus.ARCHIVED]),
            )
            .options(contains_eager(PlanStandard.plan).contains_eager(Plan.organisation))
            .order_by(Organisation.name, Plan.id)
            .limit(limit)
        )
    )


def public_steps_of(organisation_ids: Sequence[int]) -> list[PlanStep]:
    """Steps of the organisations' published and archived plans (for linking experiences)."""
    if not organisation_ids:
        return []
    return list(
        db.session.scalars(
            select(PlanStep)
            .join(PlanStep.plan)
            .where(
                Plan.organisation_id.in_(list(organisation_ids)),
                Plan.status.in_([PlanStatus.PUBLISHED, PlanStatus.ARCHIVED]),
            )
            .options(contains_eager(PlanStep.plan).joinedload(Plan.organisation))
            .order_by(Plan.organisation_id, Plan.id, PlanStep.position, PlanStep.id)
        )
    )


def last_public_change() -> datetime | None:
    """When a public (published or archived) plan last changed; drafts never count."""
    return db.session.scalar(
        select(func.max(Plan.updated_at)).where(Plan.status != PlanStatus.DRAFT)
    )


def require_editable_plan(actor: User | None, plan: Plan) -> None:
    """Refuse unless the actor may edit `plan` now (an editor of its organisation, and the
    plan a draft); hold the plan's row meanwhile. What attachments on a plan ask for."""
    _require_plan_editor(actor, plan)
    _lock_plan(plan)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            _("Only drafts can be edited. Start a new version (back to draft) first.")
        )
