"""/api/v1/plans: action plans with steps, maturity, standards and revisions; writes by token.

Thin handlers over portal.plans.services: every permission and validation rule lives there.
The comparison (/api/v1/plans/compare) is its own module; the routes here use `<int:...>`
converters so that they never shadow it.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import fields, validate

from portal.api.common import (
    CSV_MAX_ROWS,
    LINK_HEADER,
    MAX_ID,
    CsvDialectArgsSchema,
    NamedRefSchema,
    OrganizationSummarySchema,
    PaginationArgsSchema,
    QueryArgsSchema,
    UtcDateTime,
    api_write,
    csv_dialect,
    last_modified,
    page_schema,
    paginated,
    text_field,
)
from portal.api.resources import api_blueprint, transition_route
from portal.attachments.schemas import attachments_field
from portal.core.actor import current_actor
from portal.core.csv_export import csv_response
from portal.errors import NotFound, ValidationError
from portal.orgs.models import Organisation, OrganisationKind
from portal.orgs.services import get_organisation
from portal.plans import services
from portal.plans.budget import Budget, budget_from_snapshot, plan_budget
from portal.plans.export import plan_columns
from portal.plans.models import (
    ADMINISTRATIVE_GROUPS,
    DECISION_FIELDS,
    STEP_FIELDS,
    STRATEGY_FIELDS,
    TEXT_SECTIONS,
    AdoptionStatus,
    Plan,
    PlanRevision,
    PlanStatus,
    StepStatus,
    fields_of,
    plan_head,
)

blp = api_blueprint(
    "api_plans",
    __name__,
    "Action plans (handlingsplaner): published and archived plans are public; "
    "drafts only for members of the owning organisation. While the next version of a "
    "published plan is written (POST /plans/{id}/reopen), the plan keeps serving its "
    "published version to everyone; its members read the draft with ?version=draft, "
    "PUT and PATCH change the draft, publish makes it the plan's new version and discard "
    "throws it away.",
    tag="Action plans",
)

MAX_LIST_ROWS = services.MAX_ROWS
MARKDOWN_MAX = 50_000


# --- response schemas ------------------------------------------------------------------------


class PeriodSchema(ma.Schema):
    start_year = fields.Integer(required=True)
    end_year = fields.Integer(required=True)


class BudgetTotalSchema(ma.Schema):
    total_sek = fields.Integer(
        required=True,
        metadata={"description": "Sum of the step costs (cancelled steps excluded), in SEK."},
    )


class BudgetSchema(BudgetTotalSchema):
    by_year = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "SEK per calendar year, step costs spread pro rata by days."},
    )


class PlanSummarySchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    organization = fields.Nested(OrganizationSummarySchema, required=True)
    period = fields.Nested(PeriodSchema, required=True)
    status = fields.Enum(PlanStatus, by_value=True, required=True)
    is_current = fields.Boolean(
        required=True, metadata={"description": "The organisation's plan in force."}
    )
    is_example = fields.Boolean(required=True, metadata={"description": "Demo example data."})
    published_at = UtcDateTime(allow_none=True, required=True)
    updated_at = UtcDateTime(required=True)
    budget = fields.Nested(BudgetTotalSchema, required=True)


PlanPageSchema = page_schema(PlanSummarySchema, "PlanPage")


class StrategySchema(ma.Schema):
    title = fields.String(required=True)
    owner = fields.String(allow_none=True, required=True)
    url = fields.String(allow_none=True, required=True)
    year = fields.Integer(allow_none=True, required=True)


class DecisionSchema(ma.Schema):
    body = fields.String(required=True, metadata={"description": "Who decided."})
    decided_on = fields.Date(allow_none=True, required=True)
    description = fields.String(allow_none=True, required=True)


class MaturitySchema(ma.Schema):
    dimension = fields.String(required=True, metadata={"description": "The dimension's key."})
    name = fields.String(required=True)
    current = fields.Integer(required=True, metadata={"description": "Level 1-5 now."})
    target = fields.Integer(required=True, metadata={"description": "Level 1-5 aimed at."})


class PlanStandardSchema(NamedRefSchema):
    status = fields.Enum(AdoptionStatus, by_value=True, required=True)
    note = fields.String(allow_none=True, required=True)


class StepSchema(ma.Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(allow_none=True, required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    cost_sek = fields.Integer(allow_none=True, required=True)
    responsible = fields.String(allow_none=True, required=True)
    status = fields.Enum(StepStatus, by_value=True, required=True)
    standards = fields.List(
        fields.String(), required=True, metadata={"description": "Slugs of linked standards."}
    )


class RevisionSummarySchema(ma.Schema):
    number = fields.Integer(required=True)
    published_at = UtcDateTime(required=True)


def section_key(name: str) -> str:
    """A text section's name in the API, in its one vocabulary (change_organization)."""
    return name.replace("organisation", "organization")


SectionsSchema = ma.Schema.from_dict(
    {
        name: fields.String(
            allow_none=True,
            required=True,
            data_key=section_key(name),
            metadata={"description": "Markdown."},
        )
        for name in TEXT_SECTIONS
    },
    name="PlanSections",
)


class PlanDetailSchema(PlanSummarySchema):
    summary = fields.String(allow_none=True, required=True)
    sections = fields.Nested(SectionsSchema, required=True)
    expected_benefits_sek = fields.Integer(allow_none=True, required=True)
    administrative_groups = fields.List(
        fields.String(validate=validate.OneOf(ADMINISTRATIVE_GROUPS)), required=True
    )
    strategies = fields.List(fields.Nested(StrategySchema), required=True)
    decisions = fields.List(fields.Nested(DecisionSchema), required=True)
    partners = fields.List(fields.Nested(NamedRefSchema), required=True)
    maturity = fields.List(fields.Nested(MaturitySchema), required=True)
    standards = fields.List(fields.Nested(PlanStandardSchema), required=True)
    steps = fields.List(fields.Nested(StepSchema), required=True)
    budget = fields.Nested(BudgetSchema, required=True)
    revisions = fields.List(fields.Nested(RevisionSummarySchema), required=True)
    attachments = attachments_field()
    created_at = UtcDateTime(required=True)
    working_copy_of = fields.Integer(
        allow_none=True,
        required=True,
        metadata={
            "description": "On the draft of a plan's next version: the id of the published "
            "plan it will replace when published (null on every other plan)."
        },
    )
    working_copy = fields.Integer(
        allow_none=True,
        required=True,
        metadata={
            "description": "The id of the draft of this plan's next version, when one is being "
            "written and the caller is a member of the organisation (else null). Read it with "
            "?version=draft or by its id."
        },
    )


class RevisionSchema(ma.Schema):
    plan_id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    published_at = UtcDateTime(required=True)
    budget = fields.Nested(BudgetSchema, required=True)
    snapshot = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True),
        required=True,
        metadata={"description": "The whole plan as it was published (frozen)."},
    )


# --- query and body schemas ------------------------------------------------------------------


class PlanFilterSchema(QueryArgsSchema):
    kind = fields.Enum(
        OrganisationKind,
        by_value=True,
        load_default=None,
        metadata={"description": "Kind of the owning organisation."},
    )
    county = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[0-9]{2}$"),
        metadata={"description": "Two-digit county code of the owning organisation."},
    )
    organization = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[A-Za-z0-9-]{1,120}$"),
        metadata={"description": "Slug or municipality code of the owning organisation."},
    )
    status = fields.Enum(
        PlanStatus,
        by_value=True,
        load_default=None,
        metadata={"description": "draft matches only with include_drafts."},
    )
    year = fields.Integer(
        load_default=None,
        validate=validate.Range(min=services.MIN_YEAR, max=services.MAX_YEAR),
        metadata={"description": "Plans whose period includes this year."},
    )
    standard = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[A-Za-z0-9-]{1,120}$"),
        metadata={"description": "Slug of a standard the plan works with."},
    )
    q = text_field(100, load_default=None, metadata={"description": "Words in the title."})
    sort = fields.String(
        load_default="updated",
        validate=validate.OneOf(services.SORTS),
        metadata={"description": "updated (newest first), title, or budget (largest first)."},
    )
    include_drafts = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Also list the drafts of the organisations the authenticated user "
            "is a member of (no effect for anonymous clients)."
        },
    )


class PlanListArgsSchema(PlanFilterSchema, PaginationArgsSchema):
    pass


class PlanVersionArgsSchema(QueryArgsSchema):
    version = fields.String(
        load_default="published",
        validate=validate.OneOf(["published", "draft"]),
        metadata={
            "description": "published (the default): the plan as everyone sees it. draft: the "
            "draft of its next version when one is being written and the caller is a member "
            "of the organisation; otherwise the plan as without it. PUT and PATCH change that "
            "draft, so their If-Match takes the ETag of the ?version=draft answer."
        },
    )


class StrategyInputSchema(ma.Schema):
    title = text_field(300, required=True)
    owner = text_field(200, load_default=None, allow_none=True)
    url = text_field(500, load_default=None, allow_none=True)
    year = fields.Integer(load_default=None, allow_none=True, strict=True)


class DecisionInputSchema(ma.Schema):
    body = text_field(200, required=True, metadata={"description": "Who decided."})
    decided_on = fields.Date(load_default=None, allow_none=True)
    description = text_field(MARKDOWN_MAX, load_default=None, allow_none=True)


class MaturityInputSchema(ma.Schema):
    dimension = text_field(64, required=True, metadata={"description": "A dimension's key."})
    current = fields.Integer(required=True, strict=True)
    target = fields.Integer(required=True, strict=True)


class StandardInputSchema(ma.Schema):
    standard = text_field(120, required=True, metadata={"description": "A standard's slug."})
    status = fields.Enum(AdoptionStatus, by_value=True, load_default=AdoptionStatus.NOT_STARTED)
    note = text_field(2000, load_default=None, allow_none=True)


class StepInputSchema(ma.Schema):
    id = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        metadata={"description": "The existing step this row edits; omit for a new step."},
    )
    title = text_field(300, required=True)
    description = text_field(MARKDOWN_MAX, load_default=None, allow_none=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    cost_sek = fields.Integer(load_default=None, allow_none=True, strict=True)
    responsible = text_field(200, load_default=None, allow_none=True)
    status = fields.Enum(StepStatus, by_value=True, load_default=StepStatus.PLANNED)
    standards = fields.List(
        text_field(120),
        load_default=list,
        validate=validate.Length(max=MAX_LIST_ROWS),
        metadata={"description": "Slugs of the standards the step implements."},
    )


def _plan_fields(patch: bool) -> dict[str, fields.Field]:
    """The fields of a plan body; for PATCH none is required and a missing one stays as is."""

    def opt(default: Any) -> dict[str, Any]:
        return {} if patch else {"load_default": default}

    def req() -> dict[str, Any]:
        return {} if patch else {"required": True}

    def rows(schema: type[ma.Schema]) -> fields.List:
        return fields.List(
            fields.Nested(schema), validate=validate.Length(max=MAX_LIST_ROWS), **opt(list)
        )

    return {
        "title": text_field(300, **req()),
        "period_start_year": fields.Integer(strict=True, **req()),
        "period_end_year": fields.Integer(strict=True, **req()),
        "summary": text_field(MARKDOWN_MAX, allow_none=True, **opt(None)),
        **{
            name: text_field(
                MARKDOWN_MAX,
                allow_none=True,
                data_key=section_key(name),
                metadata={"description": "Markdown."},
                **opt(None),
            )
            for name in TEXT_SECTIONS
        },
        "expected_benefits_sek": fields.Integer(allow_none=True, strict=True, **opt(None)),
        "administrative_groups": fields.List(
            fields.String(validate=validate.OneOf(ADMINISTRATIVE_GROUPS)), **opt(list)
        ),
        "strategies": rows(StrategyInputSchema),
        "decisions": rows(DecisionInputSchema),
        "partners": fields.List(
            text_field(120),
            validate=validate.Length(max=MAX_LIST_ROWS),
            metadata={"description": "Partner organizations, each by slug or municipality code."},
            **opt(list),
        ),
        "maturity": rows(MaturityInputSchema),
        "standards": rows(StandardInputSchema),
        "steps": rows(StepInputSchema),
    }


PlanCreateSchema = ma.Schema.from_dict(
    {
        "organization": text_field(
            120,
            required=True,
            metadata={"description": "Slug of the organisation the plan belongs to."},
        ),
        **_plan_fields(patch=False),
    },
    name="PlanCreate",
)
PlanReplaceSchema = ma.Schema.from_dict(_plan_fields(patch=False), name="PlanReplace")
PlanPatchSchema = ma.Schema.from_dict(_plan_fields(patch=True), name="PlanPatch")


# --- conversions -----------------------------------------------------------------------------


def _organisation(org: Organisation) -> dict[str, Any]:
    county = {"code": org.county.code, "name": org.county.name} if org.county else None
    return {"slug": org.slug, "name": org.name, "kind": org.kind, "county": county}


def _summary(plan: Plan, total_sek: int) -> dict[str, Any]:
    return {
        "id": plan.id,
        "title": plan.title,
        "organization": _organisation(plan.organisation),
        "period": {"start_year": plan.period_start_year, "end_year": plan.period_end_year},
        "status": plan.status,
        "is_current": plan.is_current,
        "is_example": plan.is_example,
        "published_at": plan.published_at,
        "updated_at": plan.updated_at,
        "budget": {"total_sek": total_sek},
    }


def _budget(budget: Budget) -> dict[str, Any]:
    return {
        "total_sek": budget.total_sek,
        "by_year": {str(year): amount for year, amount in budget.by_year.items()},
    }


def _detail(plan: Plan) -> dict[str, Any]:
    budget = plan_budget(plan)
    locale = str(get_locale() or "sv")
    return {
        **_summary(plan, budget.total_sek),
        "summary": plan.summary,
        "sections": {name: getattr(plan, name) for name in TEXT_SECTIONS},
        "expected_benefits_sek": plan.expected_benefits_sek,
        "administrative_groups": list(plan.administrative_groups or []),
        "strategies": plan.strategies,
        "decisions": plan.decisions,
        "partners": [p.organisation for p in plan.partners],
        "maturity": [
            {
                "dimension": m.dimension.key,
                "name": m.dimension.name(locale),
                "current": m.current_level,
                "target": m.target_level,
            }
            for m in sorted(plan.maturity, key=lambda m: m.dimension.position)
        ],
        "standards": [
            {
                "slug": s.standard.slug,
                "name": s.standard.name,
                "status": AdoptionStatus(s.status),
                "note": s.note,
            }
            for s in plan.standards
        ],
        "steps": [
            {
                "id": s.id,
                "position": s.position,
                **fields_of(s, STEP_FIELDS),
                "status": StepStatus(s.status),
                "standards": [st.slug for st in s.standards],
            }
            for s in plan.steps
        ],
        "budget": _budget(budget),
        "revisions": sorted(plan.revisions, key=lambda r: r.number),
        "attachments": plan.attachments,
        "created_at": plan.created_at,
        "working_copy_of": plan.working_copy_of_id,
        "working_copy": getattr(services.working_copy_for(current_actor(), plan), "id", None),
    }


def _as_body(plan: Plan) -> dict[str, Any]:
    """The plan in the shape of a PUT body (what a PATCH starts from)."""
    return {
        **plan_head(plan),
        "strategies": [fields_of(s, STRATEGY_FIELDS) for s in plan.strategies],
        "decisions": [fields_of(d, DECISION_FIELDS) for d in plan.decisions],
        "partners": [p.organisation.slug for p in plan.partners],
        "maturity": [
            {"dimension": m.dimension.key, "current": m.current_level, "target": m.target_level}
            for m in plan.maturity
        ],
        "standards": [
            {"standard": s.standard.slug, "status": AdoptionStatus(s.status), "note": s.note}
            for s in plan.standards
        ],
        "steps": [
            {
                "id": s.id,
                **fields_of(s, STEP_FIELDS),
                "status": StepStatus(s.status),
                "standards": [st.slug for st in s.standards],
            }
            for s in plan.steps
        ],
    }


def _plan_input(body: dict[str, Any]) -> services.PlanInput:
    """Turn a request body into the service's input, resolving slugs and keys to ids."""
    errors: dict[str, list[str]] = {}
    standards = {s.slug: s.id for s in services.list_standards()}
    dimensions = {d.key: d.id for d in services.list_dimensions()}

    def standard_id(slug: str, key: str) -> int:
        if slug not in standards:
            errors.setdefault(key, []).append(_("Choose a standard from the catalogue."))
            return 0
        return standards[slug]

    partner_ids = []
    for slug in body["partners"]:
        try:
            partner_ids.append(get_organisation(slug).id)
        except NotFound:
            errors.setdefault("partners", []).append(_("Unknown organisation."))
    maturity = []
    for i, row in enumerate(body["maturity"]):
        if row["dimension"] not in dimensions:
            errors.setdefault(f"maturity-{i}-dimension", []).append(
                _("Unknown maturity dimension.")
            )
            continue
        maturity.append(
            services.MaturityInput(
                dimension_id=dimensions[row["dimension"]],
                current_level=row["current"],
                target_level=row["target"],
                key=f"maturity-{i}",
            )
        )
    data = services.PlanInput(
        title=body["title"],
        period_start_year=body["period_start_year"],
        period_end_year=body["period_end_year"],
        summary=body["summary"],
        sections={name: body[name] for name in TEXT_SECTIONS},
        expected_benefits_sek=body["expected_benefits_sek"],
        administrative_groups=list(body["administrative_groups"]),
        strategies=[services.StrategyInput(**row) for row in body["strategies"]],
        decisions=[services.DecisionInput(**row) for row in body["decisions"]],
        partner_ids=partner_ids,
        maturity=maturity,
        standards=[
            services.StandardInput(
                standard_id=standard_id(row["standard"], f"standards-{i}-standard"),
                status=row["status"],
                note=row["note"],
                key=f"standards-{i}",
            )
            for i, row in enumerate(body["standards"])
        ],
        steps=[
            services.StepInput(
                id=row["id"],
                title=row["title"],
                description=row["description"],
                start_date=row["start_date"],
                end_date=row["end_date"],
                cost_sek=row["cost_sek"],
                responsible=row["responsible"],
                status=row["status"],
                standard_ids=[
                    standard_id(slug, f"steps-{i}-standards") for slug in row["standards"]
                ],
                key=f"steps-{i}",
            )
            for i, row in enumerate(body["steps"])
        ],
    )
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    return data


def _filters(args: dict[str, Any]) -> tuple[services.PlanFilter, list[int]]:
    errors: dict[str, list[str]] = {}
    organisation_id = standard_id = None
    if args.get("organization"):
        try:
            organisation_id = get_organisation(args["organization"]).id
        except NotFound:
            errors["organization"] = [_("No such organisation.")]
    if args.get("standard"):
        found = [s.id for s in services.list_standards() if s.slug == args["standard"]]
        if not found:
            errors["standard"] = [_("No such standard.")]
        standard_id = found[0] if found else None
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    drafts = services.draft_organisations(current_actor()) if args["include_drafts"] else []
    filters = services.PlanFilter(
        kind=args.get("kind"),
        county_code=args.get("county"),
        organisation_id=organisation_id,
        status=args.get("status"),
        year=args.get("year"),
        standard_id=standard_id,
        q=args.get("q"),
    )
    return filters, drafts


def _get_plan(plan_id: int, *, full: bool = True) -> Plan:
    if not 0 < plan_id <= MAX_ID:
        abort(404, message=_("No such plan."))
    return services.get_plan(current_actor(), plan_id, full=full)


# --- reading ---------------------------------------------------------------------------------


@blp.route("/plans")
@blp.arguments(PlanListArgsSchema, location="query")
@blp.response(200, PlanPageSchema, headers={"Link": LINK_HEADER})
def list_plans(args: dict):
    """List plans, filtered and sorted like the plans page; drafts only on request, own only."""
    filters, drafts = _filters(args)
    page, totals = services.list_plans(
        filters, args["sort"], args["page"], args["per_page"], draft_organisation_ids=drafts
    )
    body, status, headers = paginated(page)
    body["items"] = [_summary(plan, totals.get(plan.id, 0)) for plan in page.items]
    return body, status, headers


class PlanCsvArgsSchema(PlanFilterSchema, CsvDialectArgsSchema):
    pass


@blp.route("/plans.csv")
@blp.arguments(PlanCsvArgsSchema, location="query")
@blp.response(200, {"type": "string"}, content_type="text/csv")
def export_plans(args: dict):
    """Download the plans matching the filters as CSV (UTF-8, one header row; `dialect`)."""
    filters, drafts = _filters(args)
    plans, totals = services.export_plans(
        filters, args["sort"], CSV_MAX_ROWS, draft_organisation_ids=drafts
    )
    return csv_response(plan_columns(totals), plans, "plans.csv", csv_dialect(args))


@blp.route("/plans/<int:plan_id>")
@blp.arguments(PlanVersionArgsSchema, location="query")
@blp.response(200, PlanDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_plan(args: dict, plan_id: int):
    """Get a whole plan: sections, maturity, standards, steps, budget and revisions
    (?version=draft: the draft of its next version, for members)."""
    plan = _get_plan(plan_id)
    # A PUT or PATCH compares If-Match with this answer (portal/api/conditional.py): it is the
    # draft they change, so it is the draft's version they must have read.
    if args["version"] == "draft" or request.method in ("PUT", "PATCH"):
        draft = services.working_copy_for(current_actor(), plan)
        plan = _get_plan(draft.id) if draft is not None else plan
    return _detail(plan), 200, last_modified(plan.updated_at)


@blp.route("/plans/<int:plan_id>/revisions/<int:number>")
@blp.response(200, RevisionSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_revision(plan_id: int, number: int):
    """Get one published revision of a plan exactly as it was published."""
    plan = _get_plan(plan_id, full=False)
    if not 0 < number <= MAX_ID:
        abort(404, message=_("No such revision."))
    revision = services.get_revision(current_actor(), plan, number)
    body = {
        "plan_id": plan.id,
        "number": revision.number,
        "published_at": revision.published_at,
        "budget": _budget(budget_from_snapshot(revision.snapshot)),
        "snapshot": revision.snapshot,
    }
    return body, 200, last_modified(revision.published_at)


# --- writing ---------------------------------------------------------------------------------


@blp.route("/plans", methods=["POST"])
@blp.arguments(PlanCreateSchema)
@blp.response(201, PlanDetailSchema)
def create_plan(body: dict):
    """Create a draft plan for an organisation the user edits (editor, admin, site admin)."""
    try:
        org = get_organisation(body["organization"])
    except NotFound:
        raise ValidationError(
            _("Please correct the marked fields."), {"organization": [_("No such organisation.")]}
        ) from None
    return _detail(api_write(services.create_plan, org, _plan_input(body)))


def _update(plan_id: int, body: dict) -> dict:
    plan = _get_plan(plan_id)
    return _detail(api_write(services.update_plan, plan, _plan_input(body)))


@blp.route("/plans/<int:plan_id>", methods=["PUT"])
@blp.arguments(PlanReplaceSchema)
@blp.response(200, PlanDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def replace_plan(body: dict, plan_id: int):
    """Replace a draft plan's content, or that of the draft of a published plan's next version
    (fields left out become empty). A published plan without such a draft is 422: start one
    with POST /plans/{id}/reopen."""
    return _update(plan_id, body)


@blp.route("/plans/<int:plan_id>", methods=["PATCH"])
@blp.arguments(PlanPatchSchema)
@blp.response(200, PlanDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def patch_plan(body: dict, plan_id: int):
    """Change some fields of a draft plan (or of the draft of a published plan's next version);
    a list given (e.g. steps) replaces the whole list."""
    plan = services.editable_version(_get_plan(plan_id))
    return _update(plan_id, {**_as_body(plan), **body})


def _workflow(_plan: Plan, changed: Plan | PlanRevision) -> dict:
    """Answer a move through the plan's life with the plan it leaves: publish the published
    plan, reopen the draft it started, discard the published plan, the others the plan."""
    return _detail(changed.plan if isinstance(changed, PlanRevision) else changed)


for _action, _name, _service, _doc in (
    (
        "publish",
        "publish_plan",
        services.publish_plan,
        "Publish a draft (verified organisations only) and store a revision of it. On a "
        "published plan whose next version is being written (or on that draft), the draft "
        "becomes the plan's new version: same id and address, one more revision.",
    ),
    (
        "archive",
        "archive_plan",
        services.archive_plan,
        "Archive a published plan: it stays public, marked as no longer in force.",
    ),
    (
        "reopen",
        "reopen_plan",
        services.reopen_plan,
        "Start the next version of a published or archived plan: a draft beside it, "
        "answered here (its own id; working_copy_of names this plan). The plan stays "
        "public and unchanged until the draft is published; 422 if a draft already exists.",
    ),
    (
        "discard",
        "discard_plan_draft",
        services.discard_working_copy,
        "Throw away the draft of a published plan's next version (named by the plan or by "
        "the draft); answers with the published plan, unchanged. 422 if there is no draft.",
    ),
    (
        "current",
        "set_current_plan",
        services.set_current_plan,
        "Mark a published plan as its organisation's current plan.",
    ),
):
    transition_route(
        blp,
        f"/plans/<int:plan_id>/{_action}",
        PlanDetailSchema,
        name=_name,
        doc=_doc,
        service=_service,
        load=_get_plan,
        answer=_workflow,
    )
