"""Compare 2-10 action plans side by side and against peers; used by the page and the API.

Everything is read in a fixed number of queries whatever the number of plans or peers:
the plans (with maturity, standards and steps eager-loaded), the organisations asked for,
all current published plans (the peer candidates), all peers' maturity and their budgets.

Peer groups for a plan (always excluding the plan's own organisation):
- "kind": organisations of the same kind;
- "county": the same kind in the same county (only when the organisation has a county);
- "size": the same kind in the same population size class (only with a known population).
Population size classes (inhabitants, SCB 31 Dec): under 10 000; 10 000-24 999;
25 000-49 999; 50 000-99 999; 100 000-199 999; 200 000 and more (SIZE_CLASSES).
A peer's plan is its organisation's current published plan (the one marked current, else the
published plan with the latest period). Budget per inhabitant = derived budget total / population;
plans whose steps carry no cost (total 0, i.e. unknown) are left out of the budget median.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import (
    Integer,
    ScalarSelect,
    Select,
    String,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased, selectinload

from portal.accounts.models import User
from portal.core.boundary import parse_id
from portal.core.queries import contains_text
from portal.errors import NotFound, ValidationError
from portal.extensions import db
from portal.orgs.models import Organisation, OrganisationKind
from portal.orgs.names import organisation_ids_named
from portal.orgs.services import organisations_named
from portal.plans.budget import plan_budget
from portal.plans.models import (
    MaturityDimension,
    Plan,
    PlanMaturity,
    PlanStatus,
    PlanStep,
    StepStatus,
)
from portal.plans.services import can_view_plan

MIN_PLANS = 2
MAX_PLANS = 10

# (key, lowest population, highest population or None); see the module docstring.
SIZE_CLASSES: tuple[tuple[str, int, int | None], ...] = (
    ("lt10k", 0, 9_999),
    ("10k-25k", 10_000, 24_999),
    ("25k-50k", 25_000, 49_999),
    ("50k-100k", 50_000, 99_999),
    ("100k-200k", 100_000, 199_999),
    ("gte200k", 200_000, None),
)

PEER_GROUPS = ("kind", "county", "size")


def size_class(population: int | None) -> str | None:
    """The key of the size class a population falls in (None when unknown)."""
    if population is None:
        return None
    for key, low, high in SIZE_CLASSES:
        if population >= low and (high is None or population <= high):
            return key
    return None


# --- the result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationInfo:
    slug: str
    name: str
    kind: str
    county_code: str | None
    county_name: str | None
    population: int | None
    population_year: int | None
    is_example: bool


@dataclass(frozen=True)
class Level:
    """Current and target maturity on one dimension; None where the plan has no assessment."""

    current: int | None = None
    target: int | None = None


@dataclass(frozen=True)
class StepInfo:
    id: int
    title: str
    status: str
    start_date: date
    end_date: date
    cost_sek: int | None


@dataclass(frozen=True)
class ComparedPlan:
    id: int
    title: str
    organisation: OrganisationInfo
    period_start_year: int
    period_end_year: int
    status: str
    is_example: bool
    budget_total_sek: int
    budget_by_year: dict[int, int]
    # SEK per inhabitant (municipalities with a known population and a costed budget).
    budget_per_inhabitant: float | None
    steps_by_status: dict[str, int]
    steps: list[StepInfo]
    # Every dimension of the comparison, in order; Level() where not assessed.
    maturity: dict[str, Level]
    # Standard slug -> adoption status, for the standards the plan lists.
    standards: dict[str, str]
    strengths: str | None
    weaknesses: str | None
    motives: str | None


@dataclass(frozen=True)
class DimensionInfo:
    key: str
    name_sv: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_sv


@dataclass(frozen=True)
class StandardInfo:
    slug: str
    name: str


@dataclass(frozen=True)
class Gap:
    """How far apart the plans' current levels are on one dimension (max - min)."""

    dimension_key: str
    spread: int
    lowest: int
    highest: int


@dataclass(frozen=True)
class PeerPlan:
    id: int
    title: str
    organisation_slug: str
    organisation_name: str


@dataclass(frozen=True)
class MedianLevel:
    current: float | None
    target: float | None
    count: int


@dataclass(frozen=True)
class PeerGroup:
    key: str  # one of PEER_GROUPS
    kind: str
    county_code: str | None
    county_name: str | None
    size_class: str | None
    # The first PEER_LIST_LIMIT peer plans by organisation name; plan_count counts them all.
    plans: list[PeerPlan]
    plan_count: int
    maturity: dict[str, MedianLevel]
    budget_per_inhabitant: float | None
    budget_count: int


@dataclass(frozen=True)
class Benchmark:
    plan_id: int
    groups: list[PeerGroup]


@dataclass(frozen=True)
class Comparison:
    plans: list[ComparedPlan]
    dimensions: list[DimensionInfo]
    years: list[int]
    standards: list[StandardInfo]
    # Standard slug -> {plan id: adoption status or None}.
    matrix: dict[str, dict[int, str | None]]
    gaps: list[Gap]
    benchmark: list[Benchmark] = field(default_factory=list)


# --- input -----------------------------------------------------------------------------------


def _count_error(field_name: str, count: int) -> ValidationError:
    message = _(
        "Choose between %(low)d and %(high)d plans to compare (you chose %(n)d).",
        low=MIN_PLANS,
        high=MAX_PLANS,
        n=count,
    )
    return ValidationError(message, {field_name: [message]})


def parse_ids(raw: str | Iterable[str] | None) -> list[int]:
    """Parse "1,2,3" (or repeated values) into unique plan ids in order; 422 on bad input."""
    parts: list[str] = []
    for chunk in [raw] if isinstance(raw, str) else list(raw or []):
        parts.extend(p.strip() for p in (chunk or "").split(","))
    ids: list[int] = []
    for part in parts:
        if not part:
            continue
        if parse_id(part) is None:
            message = _("Plan ids are whole numbers separated by commas.")
            raise ValidationError(message, {"ids": [message]})
        if int(part) not in ids:
            ids.append(int(part))
    return ids


def parse_slugs(raw: str | Iterable[str] | None) -> list[str]:
    parts: list[str] = []
    for chunk in [raw] if isinstance(raw, str) else list(raw or []):
        parts.extend(p.strip().lower() for p in (chunk or "").split(","))
    slugs: list[str] = []
    for part in parts:
        if part and part not in slugs:
            if len(part) > 120:
                message = _("No such organisation.")
                raise ValidationError(message, {"orgs": [message]})
            slugs.append(part)
    return slugs


# --- loading ---------------------------------------------------------------------------------


def _load_plans(plan_ids: Sequence[int]) -> dict[int, Plan]:
    stmt = (
        select(Plan)
        .where(Plan.id.in_(list(plan_ids)))
        .options(
            selectinload(Plan.maturity),
            selectinload(Plan.standards),
            selectinload(Plan.steps),
        )
    )
    return {p.id: p for p in db.session.scalars(stmt)}


def resolve_plan_ids(actor: User | None, *, ids: Sequence[int] = (), orgs: Sequence[str] = ()):
    """Turn the request's ids or organisations (slugs or municipality codes) into plan ids
    (404 for what is not there)."""
    if orgs and not ids:
        if not MIN_PLANS <= len(orgs) <= MAX_PLANS:
            raise _count_error("orgs", len(orgs))
        found = organisations_named(orgs)
        missing = [s for s in orgs if s not in found]
        if missing:
            raise NotFound(_("No such organisation: %(slugs)s.", slugs=", ".join(missing)))
        # An organisation named twice (by slug and by code) is compared once.
        named = list({found[s].id: found[s] for s in orgs}.values())
        if len(named) < MIN_PLANS:
            raise _count_error("orgs", len(named))
        chosen = _current_published(Organisation.id.in_([o.id for o in named]))
        current = {org_id: plan_id for plan_id, org_id in db.session.execute(chosen)}
        without = [o.name for o in named if o.id not in current]
        if without:
            raise NotFound(_("No published plan for: %(names)s.", names=", ".join(without)))
        return [current[o.id] for o in named]
    if not MIN_PLANS <= len(ids) <= MAX_PLANS:
        raise _count_error("ids", len(ids))
    return list(ids)


# --- building --------------------------------------------------------------------------------


def _org_info(org: Organisation) -> OrganisationInfo:
    return OrganisationInfo(
        slug=org.slug,
        name=org.name,
        kind=OrganisationKind(org.kind).value,
        county_code=org.county_code,
        county_name=org.county.name if org.county else None,
        population=org.population,
        population_year=org.population_year,
        is_example=org.is_example,
    )


def per_inhabitant(total_sek: int, org: Organisation) -> float | None:
    """SEK per inhabitant for a municipality with a known population and a costed budget."""
    if org.kind != OrganisationKind.MUNICIPALITY or not org.population or total_sek <= 0:
        return None
    return round(total_sek / org.population, 1)


def _compared(plan: Plan, dimension_keys: list[str]) -> ComparedPlan:
    budget = plan_budget(plan)
    levels = {m.dimension.key: Level(m.current_level, m.target_level) for m in plan.maturity}
    steps_by_status = {s.value: 0 for s in StepStatus}
    for step in plan.steps:
        steps_by_status[StepStatus(step.status).value] += 1
    return ComparedPlan(
        id=plan.id,
        title=plan.title,
        organisation=_org_info(plan.organisation),
        period_start_year=plan.period_start_year,
        period_end_year=plan.period_end_year,
        status=PlanStatus(plan.status).value,
        is_example=plan.is_example,
        budget_total_sek=budget.total_sek,
        budget_by_year=budget.by_year,
        budget_per_inhabitant=per_inhabitant(budget.total_sek, plan.organisation),
        steps_by_status=steps_by_status,
        steps=[
            StepInfo(
                s.id, s.title, StepStatus(s.status).value, s.start_date, s.end_date, s.cost_sek
            )
            for s in plan.steps
        ],
        maturity={key: levels.get(key, Level()) for key in dimension_keys},
        standards={ps.standard.slug: ps.status.value for ps in plan.standards},
        strengths=plan.strengths,
        weaknesses=plan.weaknesses,
        motives=plan.motives,
    )


def _gaps(plans: list[ComparedPlan], dimension_keys: list[str]) -> list[Gap]:
    gaps = []
    for key in dimension_keys:
        values = [p.maturity[key].current for p in plans if p.maturity[key].current is not None]
        if len(values) >= 2:
            gaps.append(Gap(key, max(values) - min(values), min(values), max(values)))
    order = {key: i for i, key in enumerate(dimension_keys)}
    return sorted(gaps, key=lambda g: (-g.spread, order[g.dimension_key]))


def compare_plans(
    actor: User | None,
    *,
    ids: Sequence[int] = (),
    orgs: Sequence[str] = (),
    with_benchmark: bool = True,
) -> Comparison:
    """Compare 2-10 plans the actor may see, given by id or by organisation slug."""
    plan_ids = resolve_plan_ids(actor, ids=ids, orgs=orgs)
    loaded = _load_plans(plan_ids)
    hidden = [str(i) for i in plan_ids if i not in loaded or not can_view_plan(actor, loaded[i])]
    if hidden:
        raise NotFound(_("No such plan: %(ids)s.", ids=", ".join(hidden)))
    plans = [loaded[i] for i in plan_ids]

    dims: dict[str, MaturityDimension] = {}
    for plan in plans:
        for m in plan.maturity:
            dims.setdefault(m.dimension.key, m.dimension)
    ordered_dims = sorted(dims.values(), key=lambda d: (d.position, d.key))
    keys = [d.key for d in ordered_dims]
    compared = [_compared(plan, keys) for plan in plans]

    standards: dict[str, StandardInfo] = {}
    for plan in plans:
        for ps in plan.standards:
            standards.setdefault(ps.standard.slug, StandardInfo(ps.standard.slug, ps.standard.name))
    standard_list = sorted(standards.values(), key=lambda s: s.name.lower())
    matrix = {s.slug: {p.id: p.standards.get(s.slug) for p in compared} for s in standard_list}
    years: set[int] = set()
    for p in compared:
        years.update(range(p.period_start_year, p.period_end_year + 1))
        years.update(p.budget_by_year)
        for step in p.steps:
            years.update(range(step.start_date.year, step.end_date.year + 1))
    return Comparison(
        plans=compared,
        dimensions=[DimensionInfo(d.key, d.name_sv, d.name_en) for d in ordered_dims],
        years=sorted(years),
        standards=standard_list,
        matrix=matrix,
        gaps=_gaps(compared, keys),
        benchmark=benchmark(plans) if with_benchmark else [],
    )


# --- peers -----------------------------------------------------------------------------------


def current_plan_id(organisation_id) -> ScalarSelect:
    """The id of the organisation's current published plan (None if it has none): the one
    marked current, else the published plan with the latest period, then the newest.

    A correlated subquery the database answers with one seek into ix_plans_current_choice,
    however many plans the organisation and the portal hold."""
    candidate = aliased(Plan)
    return (
        select(candidate.id)
        .where(
            candidate.organisation_id == organisation_id,
            candidate.status == PlanStatus.PUBLISHED,
        )
        .order_by(
            candidate.is_current.desc(),
            candidate.period_start_year.desc(),
            candidate.id.desc(),
        )
        .limit(1)
        .scalar_subquery()
    )


def _current_published(*where) -> Select:
    """(id, organisation_id) of the current published plan of every organisation (or those
    matching `where`) that has one: one index seek per organisation, whatever the number of
    plans."""
    chosen = (
        select(
            Organisation.id.label("organisation_id"),
            current_plan_id(Organisation.id).label("id"),
        )
        .where(*where)
        .subquery()
    )
    return select(chosen.c.id, chosen.c.organisation_id).where(chosen.c.id.is_not(None))


def current_plans() -> list[Plan]:
    """Every organisation's current published plan, by organisation name (one query)."""
    current = _current_published().subquery()
    return sorted(
        db.session.scalars(select(Plan).join(current, current.c.id == Plan.id)),
        key=lambda p: p.organisation.name,
    )


# Peer plans named per group (by organisation name); `plan_count` says how many there are.
PEER_LIST_LIMIT = 20


@dataclass(frozen=True)
class _GroupSpec:
    """One peer group of one compared plan: which organisations count as its peers."""

    plan_id: int
    key: str
    org: Organisation

    def condition(self):
        org = self.org
        where = [Organisation.kind == org.kind, Organisation.id != org.id]
        if self.key == "county":
            where.append(Organisation.county_code == org.county_code)
        elif self.key == "size":
            low, high = next(
                (lo, hi) for k, lo, hi in SIZE_CLASSES if k == size_class(org.population)
            )
            where.append(Organisation.population >= low)
            if high is not None:
                where.append(Organisation.population <= high)
        return where


def _group_specs(plans: Sequence[Plan]) -> list[_GroupSpec]:
    specs = []
    for plan in plans:
        org = plan.organisation
        specs.append(_GroupSpec(plan.id, "kind", org))
        if org.county_code:
            specs.append(_GroupSpec(plan.id, "county", org))
        if size_class(org.population):
            specs.append(_GroupSpec(plan.id, "size", org))
    return specs


def _members(specs: Sequence[_GroupSpec]):
    """(subject plan, group, peer plan, peer organisation) for every group, as one CTE over the
    current published plans: the database chooses the peers, Python never sees them all."""
    current = _current_published().cte("current")
    return union_all(
        *(
            select(
                literal(spec.plan_id, Integer).label("subject"),
                literal(spec.key, String).label("group_key"),
                current.c.id.label("peer_id"),
                current.c.organisation_id.label("org_id"),
            )
            .join(Organisation, Organisation.id == current.c.organisation_id)
            .where(*spec.condition())
            for spec in specs
        )
    ).cte("peer_members")


def _numbered(partition, order):
    """Row number within each group, in the given order (window function)."""
    return func.row_number().over(partition_by=partition, order_by=order)


def _middle(ranking, count):
    """Whether a row numbered `ranking` of `count` is a middle one (one if odd, two if even)."""
    return or_(ranking == (count + 1) // 2, ranking == (count + 2) // 2)


def _maturity_medians(members) -> dict[tuple[int, str], dict[str, MedianLevel]]:
    """Median current and target level per group and dimension, computed by the database."""
    group = (members.c.subject, members.c.group_key, MaturityDimension.key)
    levels = (
        select(
            members.c.subject,
            members.c.group_key,
            MaturityDimension.key.label("dim"),
            MaturityDimension.position,
            PlanMaturity.current_level.label("current"),
            PlanMaturity.target_level.label("target"),
            func.row_number()
            .over(partition_by=group, order_by=PlanMaturity.current_level)
            .label("by_current"),
            func.row_number()
            .over(partition_by=group, order_by=PlanMaturity.target_level)
            .label("by_target"),
            func.count().over(partition_by=group).label("n"),
        )
        .join(PlanMaturity, PlanMaturity.plan_id == members.c.peer_id)
        .join(MaturityDimension, MaturityDimension.id == PlanMaturity.dimension_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            levels.c.subject,
            levels.c.group_key,
            levels.c.dim,
            func.avg(case((_middle(levels.c.by_current, levels.c.n), levels.c.current))),
            func.avg(case((_middle(levels.c.by_target, levels.c.n), levels.c.target))),
            func.max(levels.c.n),
        )
        .group_by(levels.c.subject, levels.c.group_key, levels.c.dim, levels.c.position)
        .order_by(levels.c.position, levels.c.dim)
    )
    medians: dict[tuple[int, str], dict[str, MedianLevel]] = {}
    for subject, key, dim, current, target, count in rows:
        medians.setdefault((subject, key), {})[dim] = MedianLevel(
            float(current), float(target), int(count)
        )
    return medians


def _budget_medians(members) -> dict[tuple[int, str], tuple[float, int]]:
    """Median budget per inhabitant per group (as `per_inhabitant`), computed by the database."""
    cost = case((PlanStep.status != StepStatus.CANCELLED, PlanStep.cost_sek))
    totals = (
        select(
            members.c.subject,
            members.c.group_key,
            # 1.0 written out: a float on SQLite, a numeric (which rounds) on PostgreSQL.
            func.round(
                func.coalesce(func.sum(cost), 0) * literal_column("1.0") / Organisation.population,
                1,
            ).label("per_head"),
        )
        .join(Organisation, Organisation.id == members.c.org_id)
        .outerjoin(PlanStep, PlanStep.plan_id == members.c.peer_id)
        .where(Organisation.kind == OrganisationKind.MUNICIPALITY, Organisation.population > 0)
        .group_by(
            members.c.subject, members.c.group_key, members.c.peer_id, Organisation.population
        )
        .having(func.coalesce(func.sum(cost), 0) > 0)
        .subquery()
    )
    group = (totals.c.subject, totals.c.group_key)
    ranked = select(
        totals.c.subject,
        totals.c.group_key,
        totals.c.per_head,
        _numbered(group, totals.c.per_head).label("position"),
        func.count().over(partition_by=group).label("n"),
    ).subquery()
    rows = db.session.execute(
        select(
            ranked.c.subject,
            ranked.c.group_key,
            func.avg(case((_middle(ranked.c.position, ranked.c.n), ranked.c.per_head))),
            func.max(ranked.c.n),
        ).group_by(ranked.c.subject, ranked.c.group_key)
    )
    return {(s, k): (round(float(median), 1), int(n)) for s, k, median, n in rows}


def _peer_lists(members) -> dict[tuple[int, str], tuple[list[PeerPlan], int]]:
    """The first PEER_LIST_LIMIT peer plans of each group by organisation name, and how many."""
    group = (members.c.subject, members.c.group_key)
    ranked = (
        select(
            members.c.subject,
            members.c.group_key,
            Plan.id,
            Plan.title,
            Organisation.slug,
            Organisation.name,
            func.row_number()
            .over(partition_by=group, order_by=(Organisation.name, Plan.id))
            .label("position"),
            func.count().over(partition_by=group).label("n"),
        )
        .join(Plan, Plan.id == members.c.peer_id)
        .join(Organisation, Organisation.id == members.c.org_id)
        .subquery()
    )
    rows = db.session.execute(select(ranked).where(ranked.c.position <= PEER_LIST_LIMIT))
    lists: dict[tuple[int, str], tuple[list[PeerPlan], int]] = {}
    for subject, key, plan_id, title, slug, name, _position, count in rows:
        lists.setdefault((subject, key), ([], int(count)))[0].append(
            PeerPlan(plan_id, title, slug, name)
        )
    for peers, _count in lists.values():
        peers.sort(key=lambda p: p.organisation_name)
    return lists


def benchmark(plans: Sequence[Plan]) -> list[Benchmark]:
    """Per plan the medians of comparable organisations' current published plans.

    Three queries whatever the number of plans in the portal: the database chooses each
    group's peers and computes its medians; only the medians and the first PEER_LIST_LIMIT
    peers of each group are read.
    """
    specs = _group_specs(plans)
    if not specs:
        return []
    members = _members(specs)
    maturity = _maturity_medians(members)
    budgets = _budget_medians(members)
    lists = _peer_lists(members)
    groups: dict[int, list[PeerGroup]] = {plan.id: [] for plan in plans}
    for spec in specs:
        org, at = spec.org, (spec.plan_id, spec.key)
        peers, count = lists.get(at, ([], 0))
        budget, budget_count = budgets.get(at, (None, 0))
        groups[spec.plan_id].append(
            PeerGroup(
                key=spec.key,
                kind=OrganisationKind(org.kind).value,
                county_code=org.county_code if spec.key == "county" else None,
                county_name=org.county.name if spec.key == "county" and org.county else None,
                size_class=size_class(org.population) if spec.key == "size" else None,
                plans=peers,
                plan_count=count,
                maturity=maturity.get(at, {}),
                budget_per_inhabitant=budget,
                budget_count=budget_count,
            )
        )
    return [Benchmark(plan.id, groups[plan.id]) for plan in plans]


def compare_with_peers(actor: User | None, plan_id: int) -> tuple[ComparedPlan, Benchmark]:
    """One plan the actor may see, next to the medians of its peer groups."""
    loaded = _load_plans([plan_id])
    plan = loaded.get(plan_id)
    if plan is None or not can_view_plan(actor, plan):
        raise NotFound(_("No such plan."))
    keys = sorted((m.dimension for m in plan.maturity), key=lambda d: (d.position, d.key))
    return _compared(plan, [d.key for d in keys]), benchmark([plan])[0]


SEARCH_LIMIT = 30


def plans_of_organisations_named(q: str) -> list[Plan]:
    """Published plans of organisations one of whose name forms ("Malmö stad") contains `q`
    (two queries, at most 30 plans)."""
    term = q.strip()[:100]
    if not term:
        return []
    stmt = (
        select(Plan)
        .join(Organisation, Organisation.id == Plan.organisation_id)
        .where(
            Plan.status == PlanStatus.PUBLISHED,
            or_(
                contains_text(Organisation.name, term),
                Organisation.id.in_(organisation_ids_named(term)),
            ),
        )
        .order_by(Organisation.name, Plan.period_start_year.desc(), Plan.id)
        .limit(SEARCH_LIMIT)
    )
    return list(db.session.scalars(stmt))


def visible_plans(actor: User | None, ids: Sequence[int]) -> list[Plan]:
    """The plans with these ids that the actor may see, in the order of `ids`."""
    if not ids:
        return []
    plans = {p.id: p for p in db.session.scalars(select(Plan).where(Plan.id.in_(ids)))}
    return [plans[i] for i in ids if i in plans and can_view_plan(actor, plans[i])]
