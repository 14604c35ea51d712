"""/api/v1/plans/compare: 2-10 plans aligned side by side, with peer medians (and as CSV)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from portal.api.common import (
    MAX_ID,
    CsvDialectArgsSchema,
    NamedRefSchema,
    OrganizationSummarySchema,
    QueryArgsSchema,
    csv_dialect,
    list_arg,
)
from portal.api.resources import api_blueprint
from portal.compare import services
from portal.compare.export import comparison_csv
from portal.core.actor import current_actor
from portal.orgs.models import OrganisationKind
from portal.plans.models import AdoptionStatus, PlanStatus, StepStatus

blp = api_blueprint(
    "api_compare",
    __name__,
    "Plan comparison: plans side by side, aligned on the method, with peer medians.",
    prefix="/plans",
    tag="Plan comparison",
)


def _choice(enum_cls, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf([e.value for e in enum_cls]), **kwargs)


# More than the comparison takes, so that too many is the service's explained 422.
_MAX_LISTED = 50


class CompareArgsSchema(QueryArgsSchema):
    ids = list_arg(
        fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
        "2 to 10 plan ids, e.g. 1,2,3.",
        max_items=_MAX_LISTED,
    )
    orgs = list_arg(
        fields.String(validate=validate.Regexp(r"^[A-Za-z0-9-]{1,120}$")),
        "2 to 10 organizations by slug or municipality code (each organization's current "
        "published plan), e.g. gotland,vallentuna or 0980,vallentuna. Used when ids is absent.",
        max_items=_MAX_LISTED,
    )


class CompareFormatArgsSchema(CompareArgsSchema, CsvDialectArgsSchema):
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "csv"]),
        metadata={"description": "`csv` answers the same as /api/v1/plans/compare.csv."},
    )


class CompareCsvArgsSchema(CompareArgsSchema, CsvDialectArgsSchema):
    pass


class CompareLevelSchema(ma.Schema):
    current = fields.Integer(required=True, allow_none=True)
    target = fields.Integer(required=True, allow_none=True)


class ComparedOrganizationSchema(OrganizationSummarySchema):
    kind = _choice(OrganisationKind, required=True)  # the comparison holds plain values
    population = fields.Integer(
        required=True, allow_none=True, metadata={"description": "SCB folkmängd 31 December."}
    )
    population_year = fields.Integer(required=True, allow_none=True)
    is_example = fields.Boolean(required=True)


class CompareBudgetSchema(ma.Schema):
    total_sek = fields.Integer(required=True, metadata={"description": "Derived from the steps."})
    by_year = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "SEK per calendar year, keyed by the year."},
    )
    per_inhabitant_sek = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "Municipalities with a known population and a costed budget."},
    )


class ComparePeriodSchema(ma.Schema):
    start_year = fields.Integer(required=True)
    end_year = fields.Integer(required=True)


class CompareStepSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = _choice(StepStatus, required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    cost_sek = fields.Integer(required=True, allow_none=True)


class ComparedPlanSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    organization = fields.Nested(ComparedOrganizationSchema, required=True)
    period = fields.Nested(ComparePeriodSchema, required=True)
    status = _choice(PlanStatus, required=True)
    is_example = fields.Boolean(required=True)
    budget = fields.Nested(CompareBudgetSchema, required=True)
    steps_by_status = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    steps = fields.List(fields.Nested(CompareStepSchema), required=True)
    maturity = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(CompareLevelSchema),
        required=True,
        metadata={"description": "Every dimension of the comparison; null levels if not assessed."},
    )
    standards = fields.Dict(
        keys=fields.String(),
        values=_choice(AdoptionStatus),
        required=True,
        metadata={"description": "Standard slug -> adoption status."},
    )
    strengths = fields.String(required=True, allow_none=True, metadata={"description": "Markdown."})
    weaknesses = fields.String(required=True, allow_none=True)
    motives = fields.String(required=True, allow_none=True)


class CompareDimensionSchema(ma.Schema):
    key = fields.String(required=True)
    name_sv = fields.String(required=True)
    name_en = fields.String(required=True)


class CompareGapSchema(ma.Schema):
    dimension = fields.String(required=True)
    spread = fields.Integer(required=True)
    lowest = fields.Integer(required=True)
    highest = fields.Integer(required=True)


class CompareMedianSchema(ma.Schema):
    current = fields.Float(required=True, allow_none=True)
    target = fields.Float(required=True, allow_none=True)
    count = fields.Integer(required=True, metadata={"description": "Plans with this dimension."})


class ComparePeerPlanSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    organization_slug = fields.String(required=True)
    organization_name = fields.String(required=True)


class ComparePeerGroupSchema(ma.Schema):
    group = fields.String(
        required=True,
        validate=validate.OneOf(services.PEER_GROUPS),
        metadata={"description": "kind: same kind; county: and same county; size: and size class."},
    )
    kind = _choice(OrganisationKind, required=True)
    county_code = fields.String(required=True, allow_none=True)
    size_class = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "lt10k, 10k-25k, 25k-50k, 50k-100k, 100k-200k or gte200k."},
    )
    plan_count = fields.Integer(
        required=True, metadata={"description": "Peer plans in the group (all of them)."}
    )
    plans = fields.List(
        fields.Nested(ComparePeerPlanSchema),
        required=True,
        metadata={
            "description": f"The first {services.PEER_LIST_LIMIT} peer plans by organization "
            "name; `plan_count` says how many there are."
        },
    )
    maturity = fields.Dict(
        keys=fields.String(), values=fields.Nested(CompareMedianSchema), required=True
    )
    budget_per_inhabitant_sek = fields.Float(required=True, allow_none=True)
    budget_count = fields.Integer(required=True)


class CompareBenchmarkSchema(ma.Schema):
    plan_id = fields.Integer(required=True)
    groups = fields.List(fields.Nested(ComparePeerGroupSchema), required=True)


class ComparisonSchema(ma.Schema):
    plans = fields.List(fields.Nested(ComparedPlanSchema), required=True)
    dimensions = fields.List(fields.Nested(CompareDimensionSchema), required=True)
    years = fields.List(fields.Integer(), required=True)
    standards = fields.List(fields.Nested(NamedRefSchema), required=True)
    standards_matrix = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(
            keys=fields.String(), values=fields.String(allow_none=True), allow_none=True
        ),
        required=True,
        metadata={"description": "Standard slug -> {plan id: adoption status or null}."},
    )
    largest_differences = fields.List(fields.Nested(CompareGapSchema), required=True)
    benchmark = fields.List(fields.Nested(CompareBenchmarkSchema), required=True)


def _plan(p: services.ComparedPlan) -> dict[str, Any]:
    org = p.organisation
    return {
        "id": p.id,
        "title": p.title,
        "organization": {
            "slug": org.slug,
            "name": org.name,
            "kind": org.kind,
            "county": {"code": org.county_code, "name": org.county_name}
            if org.county_code
            else None,
            "population": org.population,
            "population_year": org.population_year,
            "is_example": org.is_example,
        },
        "period": {"start_year": p.period_start_year, "end_year": p.period_end_year},
        "status": p.status,
        "is_example": p.is_example,
        "budget": {
            "total_sek": p.budget_total_sek,
            "by_year": {str(y): v for y, v in p.budget_by_year.items()},
            "per_inhabitant_sek": p.budget_per_inhabitant,
        },
        "steps_by_status": p.steps_by_status,
        "steps": [vars(s) for s in p.steps],
        "maturity": {k: {"current": v.current, "target": v.target} for k, v in p.maturity.items()},
        "standards": p.standards,
        "strengths": p.strengths,
        "weaknesses": p.weaknesses,
        "motives": p.motives,
    }


def _group(g: services.PeerGroup) -> dict[str, Any]:
    return {
        "group": g.key,
        "kind": g.kind,
        "county_code": g.county_code,
        "size_class": g.size_class,
        "plan_count": g.plan_count,
        "plans": [
            {
                "id": p.id,
                "title": p.title,
                "organization_slug": p.organisation_slug,
                "organization_name": p.organisation_name,
            }
            for p in g.plans
        ],
        "maturity": {k: vars(m) for k, m in g.maturity.items()},
        "budget_per_inhabitant_sek": g.budget_per_inhabitant,
        "budget_count": g.budget_count,
    }


def comparison_dict(c: services.Comparison) -> dict[str, Any]:
    return {
        "plans": [_plan(p) for p in c.plans],
        "dimensions": [vars(d) for d in c.dimensions],
        "years": c.years,
        "standards": [vars(s) for s in c.standards],
        "standards_matrix": {
            slug: {str(pid): status for pid, status in row.items()}
            for slug, row in c.matrix.items()
        },
        "largest_differences": [
            {
                "dimension": g.dimension_key,
                "spread": g.spread,
                "lowest": g.lowest,
                "highest": g.highest,
            }
            for g in c.gaps
        ],
        "benchmark": [
            {"plan_id": b.plan_id, "groups": [_group(g) for g in b.groups]} for b in c.benchmark
        ],
    }


def _comparison(args: dict) -> services.Comparison:
    ids = list(dict.fromkeys(args["ids"]))
    orgs = services.parse_slugs(args["orgs"])
    return services.compare_plans(current_actor(), ids=ids, orgs=orgs)


@blp.route("/compare")
@blp.arguments(CompareFormatArgsSchema, location="query")
@blp.response(200, ComparisonSchema)
@blp.doc(responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def compare(args: dict):
    """Compare 2-10 plans side by side (by ids, or by organizations' current published plans).

    Drafts are only visible to members of their organization; other plans answer 404.
    `format=csv` answers text/csv, the same as `/api/v1/plans/compare.csv` (with its `dialect`).
    """
    comparison = _comparison(args)
    if args["format"] == "csv":
        return comparison_csv(comparison, csv_dialect(args))
    return comparison_dict(comparison)


@blp.route("/compare.csv")
@blp.arguments(CompareCsvArgsSchema, location="query")
@blp.response(200, {"type": "string"}, content_type="text/csv")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def compare_csv(args: dict):
    """The comparison as CSV: one row per plan with what the comparison page shows: the plan,
    organisation, kind, county, population, period, status, `budget_total_sek`,
    `budget_per_inhabitant_sek`, one `budget_<year>_sek` column per year, dimension columns
    (`<key>_current`, `<key>_target`), one `standard_<slug>` column per standard (adoption
    status) and one `steps_<status>` column per step status (the number of steps).
    `dialect=excel-sv` gives Swedish headers and labels for Swedish Excel."""
    return comparison_csv(_comparison(args), csv_dialect(args))
