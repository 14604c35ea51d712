"""Plan pages: browse, read, write, publish, archive, history and revision diffs."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import FieldList, SelectChoice

from portal.core.actor import current_actor
from portal.core.args import choice_arg, enum_arg, int_arg, text_arg, unknown_values
from portal.core.forms import button_change, note_edit_conflict
from portal.core.pagination import Page
from portal.core.versions import version_token
from portal.errors import NotFound, ValidationError
from portal.orgs.models import Organisation, OrganisationKind
from portal.orgs.services import find_organisation, list_counties
from portal.plans import services
from portal.plans.budget import budget_from_snapshot, plan_budget, step_cost_by_year
from portal.plans.coverage import county_coverage
from portal.plans.diff import diff_snapshots
from portal.plans.forms import (
    ADOPTION_LABELS,
    GROUP_LABELS,
    PLAN_STATUS_LABELS,
    SECTION_LABELS,
    STEP_STATUS_LABELS,
    PlanForm,
)
from portal.plans.models import TEXT_SECTIONS, AdoptionStatus, Plan, PlanStatus, StepStatus

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.app_template_global("organisation_plans")
def organisation_plans(org: Organisation) -> list[Plan]:
    """The organisation's plans for its page (drafts only for its members)."""
    return services.list_organisation_plans(current_actor(), org)


@bp.app_context_processor
def plan_labels() -> dict:
    return {
        "plan_status_labels": PLAN_STATUS_LABELS,
        "step_status_labels": STEP_STATUS_LABELS,
        "adoption_labels": ADOPTION_LABELS,
        "group_labels": GROUP_LABELS,
        "section_labels": SECTION_LABELS,
    }


# --- browsing and reading --------------------------------------------------------------------


@bp.get("")
def index():
    """Browse published and archived plans with filters, sorting and pages."""
    kind = enum_arg("kind", OrganisationKind)
    counties = list_counties()
    county = choice_arg("county", (c.code for c in counties))
    status = enum_arg("status", PlanStatus)
    if status not in (PlanStatus.PUBLISHED, PlanStatus.ARCHIVED):
        status = None
    org_slug = (request.args.get("org") or "").strip()[:200]
    organisation = None
    if org_slug:
        try:
            organisation = find_organisation(org_slug)
        except NotFound:
            organisation = None
    standards = services.list_standards()
    standard_slug = request.args.get("standard") or ""
    standard = next((s for s in standards if s.slug == standard_slug), None)
    # A filter value that names nothing is said so, and matches nothing: it is never dropped
    # silently (which would show every plan as if they matched).
    unknown = unknown_values(
        (_("Organisation"), "org", organisation),
        (_("Standard"), "standard", standard),
        (_("County"), "county", county),
        (_("Kind of organisation"), "kind", kind),
    )
    sort = choice_arg("sort", services.SORTS) or "updated"
    q = text_arg("q") or ""
    year = int_arg("year", None)
    filters = services.PlanFilter(
        kind=kind,
        county_code=county,
        organisation_id=organisation.id if organisation else None,
        status=status,
        year=year,
        standard_id=standard.id if standard else None,
        q=q or None,
    )
    if unknown:
        page, totals = Page([], 1, 20, 0), {}
    else:
        page, totals = services.list_plans(filters, sort=sort, page=int_arg("page"), per_page=20)
    return render_template(
        "plans/index.html",
        page=page,
        totals=totals,
        counties=counties,
        kinds=OrganisationKind,
        standards=standards,
        selected={
            "kind": kind.value if kind else "",
            "county": county or "",
            "status": status.value if status else "",
            "org": organisation.slug if organisation else org_slug,
            "standard": standard.slug if standard else "",
            "sort": sort,
            "q": q,
            "year": year or "",
        },
        organisation=organisation,
        unknown=unknown,
        # The overview map belongs to the unfiltered list; a filtered list is about its rows.
        coverage=county_coverage() if not request.args else None,
        may_create=services.may_create_any(current_actor()),
    )


def _timeline(plan: Plan):
    budget = plan_budget(plan)
    first = min([plan.period_start_year, *budget.by_year]) if budget.by_year else None
    last = max([plan.period_end_year, *budget.by_year]) if budget.by_year else None
    years = list(range(first or plan.period_start_year, (last or plan.period_end_year) + 1))
    rows = [
        (
            step,
            step_cost_by_year(
                step.cost_sek, step.start_date, step.end_date, StepStatus(step.status).value
            ),
        )
        for step in plan.steps
    ]
    return budget, years, rows


@bp.get("/<int:plan_id>")
def show(plan_id: int):
    """Read a plan section by section."""
    actor = current_actor()
    plan = services.get_plan(actor, plan_id)
    budget, years, rows = _timeline(plan)
    locale = str(get_locale() or "sv")
    maturity = [
        {"name": m.dimension.name(locale), "current": m.current_level, "target": m.target_level}
        for m in sorted(plan.maturity, key=lambda m: m.dimension.position)
    ]
    return render_template(
        "plans/show.html",
        plan=plan,
        budget=budget,
        years=years,
        step_rows=rows,
        maturity=maturity,
        sections=TEXT_SECTIONS,
        others=services.other_plans(actor, plan),
        revision_count=len(plan.revisions),
        can_edit=services.can_edit_plan(actor, plan),
        statuses=PlanStatus,
    )


@bp.get("/<int:plan_id>/history")
def history(plan_id: int):
    """List the published revisions of a plan and pick two to compare."""
    actor = current_actor()
    plan = services.get_plan(actor, plan_id, full=False)
    revisions = services.list_revisions(actor, plan)
    return render_template("plans/history.html", plan=plan, revisions=revisions)


@bp.get("/<int:plan_id>/revisions/<int:number>")
def revision(plan_id: int, number: int):
    """Read one published revision as it was published."""
    actor = current_actor()
    plan = services.get_plan(actor, plan_id, full=False)
    rev = services.get_revision(actor, plan, number)
    return render_template(
        "plans/revision.html",
        plan=plan,
        revision=rev,
        snap=rev.snapshot,
        budget=budget_from_snapshot(rev.snapshot),
        sections=TEXT_SECTIONS,
    )


@bp.get("/<int:plan_id>/history/compare")
def diff(plan_id: int):
    """Show what changed between two revisions."""
    actor = current_actor()
    plan = services.get_plan(actor, plan_id, full=False)
    a, b = int_arg("a", None), int_arg("b", None)
    if a is None or b is None:
        abort(404)
    if a > b:
        a, b = b, a
    old = services.get_revision(actor, plan, a)
    new = services.get_revision(actor, plan, b)
    return render_template(
        "plans/diff.html",
        plan=plan,
        old=old,
        new=new,
        diff=diff_snapshots(old.snapshot, new.snapshot),
    )


# --- writing ---------------------------------------------------------------------------------


def _login_redirect():
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def _set_choices(form: PlanForm, standards, partners) -> None:
    standard_choices = [SelectChoice(str(s.id), s.name) for s in standards]
    for entry in form.standards:
        entry.form.standard_id.choices = [SelectChoice("", "–"), *standard_choices]
    for entry in form.steps:
        entry.form.standard_ids.choices = standard_choices
    form.partner_ids.choices = [SelectChoice(str(o.id), o.name) for o in partners]


def _add_blank_rows(form: PlanForm, strategies: int, decisions: int, standards: int, steps: int):
    for _i in range(strategies):
        form.strategies.append_entry()
    for _i in range(decisions):
        form.decisions.append_entry()
    for _i in range(standards):
        form.standards.append_entry()
    for _i in range(steps):
        form.steps.append_entry({"position": len(form.steps.entries) + 1})


def _ensure_maturity_rows(form: PlanForm, dimensions) -> None:
    present = {str(e.form.dimension_id.data) for e in form.maturity}
    for dimension in dimensions:
        if str(dimension.id) not in present:
            form.maturity.append_entry({"dimension_id": str(dimension.id)})


def _form_data(plan: Plan) -> dict:
    data: dict = {
        "loaded_version": version_token(plan.updated_at),
        "title": plan.title,
        "summary": plan.summary,
        "period_start_year": plan.period_start_year,
        "period_end_year": plan.period_end_year,
        "expected_benefits_sek": plan.expected_benefits_sek,
        "administrative_groups": list(plan.administrative_groups or []),
        "partner_ids": [p.organisation_id for p in plan.partners],
        "strategies": [
            {"title": s.title, "owner": s.owner, "url": s.url, "year": s.year}
            for s in plan.strategies
        ],
        "decisions": [
            {"body": d.body, "decided_on": d.decided_on, "description": d.description}
            for d in plan.decisions
        ],
        "maturity": [
            {
                "dimension_id": str(m.dimension_id),
                "current_level": m.current_level,
                "target_level": m.target_level,
            }
            for m in sorted(plan.maturity, key=lambda m: m.dimension.position)
        ],
        "standards": [
            {
                "standard_id": s.standard_id,
                "status": AdoptionStatus(s.status).value,
                "note": s.note,
            }
            for s in plan.standards
        ],
        "steps": [
            {
                "id": str(s.id),
                "position": s.position + 1,
                "title": s.title,
                "description": s.description,
                "start_date": s.start_date,
                "end_date": s.end_date,
                "cost_sek": s.cost_sek,
                "responsible": s.responsible,
                "status": StepStatus(s.status).value,
                "standard_ids": [st.id for st in s.standards],
            }
            for s in plan.steps
        ],
    }
    for name in TEXT_SECTIONS:
        data[name] = getattr(plan, name)
    return data


def _input_from(form: PlanForm) -> services.PlanInput:
    def text(value) -> str:
        return (value or "").strip()

    def step_status(value) -> StepStatus:
        return StepStatus(value) if value in set(StepStatus) else StepStatus.PLANNED

    def adoption(value) -> AdoptionStatus:
        return AdoptionStatus(value) if value in set(AdoptionStatus) else AdoptionStatus.NOT_STARTED

    return services.PlanInput(
        title=text(form.title.data),
        summary=form.summary.data,
        period_start_year=form.period_start_year.data,
        period_end_year=form.period_end_year.data,
        sections={name: form[name].data for name in TEXT_SECTIONS},
        expected_benefits_sek=form.expected_benefits_sek.data,
        administrative_groups=list(form.administrative_groups.data or []),
        partner_ids=list(form.partner_ids.data or []),
        strategies=[
            services.StrategyInput(
                title=text(e.form.title.data),
                owner=e.form.owner.data,
                url=text(e.form.url.data) or None,
                year=e.form.year.data,
                key=e.name,
            )
            for e in form.strategies
            if not e.form.is_blank()
        ],
        decisions=[
            services.DecisionInput(
                body=text(e.form.body.data),
                decided_on=e.form.decided_on.data,
                description=e.form.description.data,
                key=e.name,
            )
            for e in form.decisions
            if not e.form.is_blank()
        ],
        maturity=[
            services.MaturityInput(
                dimension_id=int(e.form.dimension_id.data)
                if str(e.form.dimension_id.data).isdigit()
                else 0,
                current_level=e.form.current_level.data,
                target_level=e.form.target_level.data,
                key=e.name,
            )
            for e in form.maturity
            if not e.form.is_blank()
        ],
        standards=[
            services.StandardInput(
                standard_id=e.form.standard_id.data,
                status=adoption(e.form.status.data),
                note=e.form.note.data,
                key=e.name,
            )
            for e in form.standards
            if not e.form.is_blank()
        ],
        steps=[
            services.StepInput(
                id=int(e.form.id.data) if str(e.form.id.data or "").isdigit() else None,
                position=e.form.position.data,
                title=text(e.form.title.data),
                description=e.form.description.data,
                start_date=e.form.start_date.data,
                end_date=e.form.end_date.data,
                cost_sek=e.form.cost_sek.data,
                responsible=e.form.responsible.data,
                status=step_status(e.form.status.data),
                standard_ids=list(e.form.standard_ids.data or []),
                key=e.name,
            )
            for e in form.steps
            if not e.form.is_blank()
        ],
    )


def _all_fields(form: PlanForm) -> dict:
    fields = {}
    for f in form:
        if isinstance(f, FieldList):
            for entry in f:
                for sub in entry:
                    fields[sub.name] = sub
        else:
            fields[f.name] = f
    return fields


def _apply_errors(form: PlanForm, error: ValidationError) -> None:
    note_edit_conflict(form, error)
    fields = _all_fields(form)
    for name, messages in error.errors.items():
        target = fields.get(name)
        if target is not None:
            target.errors = [*list(target.errors or []), *messages]
        else:
            form.form_errors.extend(messages)
    if not error.errors and error.message:
        form.form_errors.append(error.message)


def _add_rule_errors(form: PlanForm, org: Organisation | None) -> None:
    """After a form-level error, also show the plan rules' messages on fields without one,
    so that every problem is reported at once."""
    if org is None:
        return
    errors = services.check_plan_input(_input_from(form), org)
    fields = _all_fields(form)
    for name, messages in errors.items():
        target = fields.get(name)
        if target is not None and not target.errors:
            target.errors = list(messages)


def _error_list(form: PlanForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) for the error summary at the top of the form."""
    out = []
    for f in form:
        if f.name in ("csrf_token",):
            continue
        if isinstance(f, FieldList):
            section = SECTION_LABELS.get(f.name, f.name)
            if f.name == "steps":
                section = _("Step")
            for index, entry in enumerate(f):
                for sub in entry:
                    for message in sub.errors or []:
                        label = f"{section} {index + 1}: {sub.label.text}"
                        out.append((sub.id, label, message))
        else:
            for message in f.errors or []:
                if isinstance(message, str):
                    out.append((f.id, f.label.text, message))
    return out


def _render_form(form: PlanForm, plan: Plan | None, dimensions, status: int):
    by_id = {str(d.id): d for d in dimensions}
    return (
        render_template(
            "plans/edit.html",
            form=form,
            plan=plan,
            dimensions=by_id,
            errors=_error_list(form),
            sections=TEXT_SECTIONS,
        ),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Write a new plan (as a draft)."""
    actor = current_actor()
    if actor is None:
        return _login_redirect()
    organisations = services.organisation_choices(actor)
    if not organisations:
        abort(403)
    form = PlanForm()
    form.organisation_id.choices = [SelectChoice(str(o.id), o.name) for o in organisations]
    dimensions = services.list_dimensions()
    standards = services.list_standards()
    partners = services.list_partner_candidates()
    if request.method == "GET":
        preset = request.args.get("org")
        chosen = next((o for o in organisations if o.slug == preset), None)
        if chosen is None and len(organisations) == 1:
            chosen = organisations[0]
        if chosen is not None:
            form.organisation_id.data = chosen.id
        _add_blank_rows(form, 2, 2, 3, 3)
    _ensure_maturity_rows(form, dimensions)
    if request.method == "POST":
        if form.add_rows.data:
            _add_blank_rows(form, 1, 1, 2, 3)
            _set_choices(form, standards, partners)
            return _render_form(_clear_errors(form), None, dimensions, 200)
        _set_choices(form, standards, partners)
        if form.validate():
            try:
                org = services.find_organisation(actor, form.organisation_id.data)
                if org not in organisations:
                    abort(403)
                plan = services.create_plan(actor, org, _input_from(form))
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                flash(_("The draft is saved. Publish it when it is ready."), "success")
                return redirect(url_for("plans.show", plan_id=plan.id))
        else:
            chosen = next((o for o in organisations if o.id == form.organisation_id.data), None)
            _add_rule_errors(form, chosen)
        return _render_form(form, None, dimensions, 422)
    _set_choices(form, standards, partners)
    return _render_form(form, None, dimensions, 200)


def _clear_errors(form: PlanForm) -> PlanForm:
    for field in _all_fields(form).values():
        field.errors = []
    form.form_errors = []
    return form


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
def edit(plan_id: int):
    """Edit a draft plan."""
    actor = current_actor()
    plan = services.get_plan(actor, plan_id)
    if actor is None:
        return _login_redirect()
    if not services.can_edit_plan(actor, plan):
        abort(403)
    if plan.status != PlanStatus.DRAFT:
        flash(_("Only drafts can be edited. Start a new version (back to draft) first."), "error")
        return redirect(url_for("plans.show", plan_id=plan.id))
    dimensions = services.list_dimensions()
    standards = services.list_standards()
    partners = services.list_partner_candidates()
    form = PlanForm(data=_form_data(plan) if request.method == "GET" else None)
    del form.organisation_id
    if request.method == "GET":
        _add_blank_rows(form, 1, 1, 2, 2)
    _ensure_maturity_rows(form, dimensions)
    _set_choices(form, standards, partners)
    if request.method == "POST":
        if form.add_rows.data:
            _add_blank_rows(form, 1, 1, 2, 3)
            _set_choices(form, standards, partners)
            return _render_form(_clear_errors(form), plan, dimensions, 200)
        if form.validate():
            try:
                services.update_plan(
                    actor, plan, _input_from(form), loaded_version=form.loaded_version.data
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                flash(_("The draft is saved."), "success")
                return redirect(url_for("plans.show", plan_id=plan.id))
        else:
            _add_rule_errors(form, plan.organisation)
        return _render_form(form, plan, dimensions, 422)
    return _render_form(form, plan, dimensions, 200)


def _workflow(plan_id: int, action, done_message: str):
    actor = current_actor()
    plan = services.get_plan(actor, plan_id, full=False)
    if actor is None:
        return _login_redirect()
    button_change(lambda: action(actor, plan), done_message)
    return redirect(url_for("plans.show", plan_id=plan.id))


@bp.post("/<int:plan_id>/publish")
def publish(plan_id: int):
    """Publish a draft (and store a revision)."""
    return _workflow(plan_id, services.publish_plan, _("The plan is published."))


@bp.post("/<int:plan_id>/archive")
def archive(plan_id: int):
    """Archive a published plan."""
    return _workflow(plan_id, services.archive_plan, _("The plan is archived."))


@bp.post("/<int:plan_id>/reopen")
def reopen(plan_id: int):
    """Take a plan back to draft for a new version."""
    return _workflow(
        plan_id, services.reopen_plan, _("The plan is a draft again; edit and publish it.")
    )


@bp.post("/<int:plan_id>/current")
def set_current(plan_id: int):
    """Mark a published plan as the organisation's current plan."""
    return _workflow(
        plan_id, services.set_current_plan, _("The plan is marked as the current plan.")
    )
