"""Plan pages: browse, read, write, publish, archive, history and revision diffs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from portal.plans.editor import (
    MATURITY_LEVELS,
    SECTIONS,
    EditorSection,
    get_section,
    next_section,
    section_of_field,
)
from portal.plans.forms import (
    ADOPTION_LABELS,
    GROUP_LABELS,
    PLAN_STATUS_LABELS,
    ROW_FORMS,
    SECTION_FORMS,
    SECTION_LABELS,
    STEP_STATUS_LABELS,
    BasicsForm,
    PlanSectionForm,
)
from portal.plans.models import (
    DECISION_FIELDS,
    STEP_FIELDS,
    STRATEGY_FIELDS,
    TEXT_SECTIONS,
    AdoptionStatus,
    Plan,
    PlanStatus,
    StepStatus,
    fields_of,
    plan_head,
)
from portal.standards.models import StandardKind

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.app_template_global("organisation_plans")
def organisation_plans(org: Organisation) -> list[Plan]:
    """The organisation's plans for its page (drafts only for its members)."""
    return services.list_organisation_plans(current_actor(), org)


@bp.app_template_global("plans_in_revision")
def plans_in_revision(plans: list[Plan]) -> set[int]:
    """Ids of those plans whose next version the viewer sees being written (members only)."""
    return services.plans_in_revision(current_actor(), plans)


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


def _years(years: list[int], rows) -> list[tuple[int, list]]:
    """Per year of the plan, the steps that run in it with their share of the cost (if any)."""
    return [
        (
            year,
            [
                (step, per_year.get(year))
                for step, per_year in rows
                if step.start_date.year <= year <= step.end_date.year
            ],
        )
        for year in years
    ]


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
    others, more_others = services.other_plans(actor, plan)
    return render_template(
        "plans/show.html",
        plan=plan,
        budget=budget,
        years=years,
        step_rows=rows,
        year_rows=_years(years, rows),
        maturity=maturity,
        sections=TEXT_SECTIONS,
        others=others,
        more_others=more_others,
        revision_count=len(plan.revisions),
        # A working copy names its published plan; the published plan names its working copy
        # to those who may see it (and to no one else).
        published=plan.working_copy_of,
        working_copy=services.working_copy_for(actor, plan),
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


# --- writing: the editor, one page per section -----------------------------------------------


def _login_redirect():
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def _text(value) -> str:
    return (value or "").strip()


def _row_id(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _member(kind, default):
    """The enum member a select sent, or `default` for a value the enum does not know."""
    return lambda value: kind(value) if value in set(kind) else default


def _same(value):
    return value


# Each repeated group of the editor: the service's input for one row, and how each of its
# fields is read from the row's form field of the same name (as sent when None).
ROW_INPUTS: dict[str, tuple[type, dict]] = {
    "strategies": (
        services.StrategyInput,
        {"title": _text, "owner": None, "url": lambda v: _text(v) or None, "year": None},
    ),
    "decisions": (
        services.DecisionInput,
        {"body": _text, "decided_on": None, "description": None},
    ),
    "maturity": (
        services.MaturityInput,
        {
            "dimension_id": lambda v: _row_id(v) or 0,
            "current_level": None,
            "target_level": None,
        },
    ),
    "standards": (
        services.StandardInput,
        {
            "standard_id": lambda v: _row_id(v) or 0,
            "status": _member(AdoptionStatus, AdoptionStatus.NOT_STARTED),
            "note": None,
        },
    ),
    "steps": (
        services.StepInput,
        {
            "id": _row_id,
            "position": None,
            "title": _text,
            "description": None,
            "start_date": None,
            "end_date": None,
            "cost_sek": None,
            "responsible": None,
            "status": _member(StepStatus, StepStatus.PLANNED),
            "standard_ids": lambda v: list(v or []),
        },
    ),
}


def _row_input(name: str, entry):
    """One row of a repeated group as the service's input, keyed by its form name (for errors)."""
    kind, fields = ROW_INPUTS[name]
    values = {n: (read or _same)(entry.form[n].data) for n, read in fields.items()}
    return kind(**values, key=entry.name)


def _changes(form: PlanSectionForm) -> dict[str, Any]:
    """What the section's form says, as changes to the plan's `PlanInput` fields."""
    changes: dict[str, Any] = {}
    sections = {name: form[name].data for name in TEXT_SECTIONS if name in form}
    if sections:
        changes["sections"] = sections
    if "title" in form:
        changes["title"] = _text(form.title.data)
    for name in ("summary", "period_start_year", "period_end_year", "expected_benefits_sek"):
        if name in form:
            changes[name] = form[name].data
    for name in ("administrative_groups", "partner_ids"):
        if name in form:
            changes[name] = list(form[name].data or [])
    for name in ROW_INPUTS:
        if name in form:
            changes[name] = [_row_input(name, e) for e in form[name] if not e.form.is_blank()]
    return changes


def _form_data(plan: Plan) -> dict:
    """The plan's stored content in the shape of the section forms' data."""
    data: dict = {
        "loaded_version": version_token(plan.updated_at),
        **plan_head(plan),
        "partner_ids": [p.organisation_id for p in plan.partners],
        "strategies": [fields_of(s, STRATEGY_FIELDS) for s in plan.strategies],
        "decisions": [fields_of(d, DECISION_FIELDS) for d in plan.decisions],
        "maturity": [
            {
                "dimension_id": str(m.dimension_id),
                "current_level": m.current_level,
                "target_level": m.target_level,
            }
            for m in sorted(plan.maturity, key=lambda m: m.dimension.position)
        ],
        "steps": [
            {
                "id": str(s.id),
                "position": s.position + 1,
                **fields_of(s, STEP_FIELDS),
                "status": StepStatus(s.status).value,
                "standard_ids": [st.id for st in s.standards],
            }
            for s in plan.steps
        ],
    }
    return data


def _standard_rows(form: PlanSectionForm, plan: Plan | None, standards) -> None:
    """One row per standard of the catalogue (on a first showing), chosen where the plan has it."""
    chosen = {s.standard_id: s for s in plan.standards} if plan is not None else {}
    for standard in standards:
        row = chosen.get(standard.id)
        form.standards.append_entry(
            {
                "standard_id": str(standard.id),
                "chosen": row is not None,
                "status": AdoptionStatus(row.status).value if row else None,
                "note": row.note if row else None,
            }
        )


def _maturity_rows(form: PlanSectionForm, dimensions) -> None:
    present = {str(e.form.dimension_id.data) for e in form.maturity}
    for dimension in dimensions:
        if str(dimension.id) not in present:
            form.maturity.append_entry({"dimension_id": str(dimension.id)})


def _new_row(rows: FieldList, name: str) -> None:
    rows.append_entry({"position": len(rows.entries) + 1} if name == "steps" else None)


def _fill_lists(form: PlanSectionForm, plan: Plan | None, choices: dict) -> None:
    """Rows the form needs before it is shown or read: every dimension, every standard of the
    catalogue, an empty row in an empty repeated group; and the choices of its fields."""
    first_showing = request.method == "GET"
    if "maturity" in form:
        _maturity_rows(form, choices["dimensions"])
    if "standards" in form and first_showing:
        _standard_rows(form, plan, choices["standards"])
    for name in ROW_FORMS:
        if name in form and first_showing and not form[name].entries:
            _new_row(form[name], name)
    standard_choices = [SelectChoice(str(s.id), s.name) for s in choices.get("standards", [])]
    if "steps" in form:
        for entry in form.steps:
            entry.form.standard_ids.choices = standard_choices
    if "partner_ids" in form:
        own = plan.organisation_id if plan is not None else None
        form.partner_ids.choices = [
            SelectChoice(str(o.id), o.name) for o in choices["partners"] if o.id != own
        ]


def _row_button(form: PlanSectionForm) -> bool:
    """The "add a row" and "remove" buttons: change the rows and show the page again, saving
    nothing. True when one of them was pressed."""
    add, remove = request.form.get("add_row"), request.form.get("remove_row")
    if add in ROW_FORMS and add in form:
        _new_row(form[add], add)
        return True
    if remove:
        name = remove.split("-", 1)[0]
        if name in ROW_FORMS and name in form:
            rows = form[name]
            rows.entries = [e for e in rows.entries if e.name != remove]
        return True
    return False


def _all_fields(form: PlanSectionForm) -> dict:
    fields = {}
    for f in form:
        if isinstance(f, FieldList):
            for entry in f:
                for sub in entry:
                    fields[sub.name] = sub
        else:
            fields[f.name] = f
    return fields


def _clear_errors(form: PlanSectionForm) -> None:
    for f in _all_fields(form).values():
        f.errors = []
    form.form_errors = []


def _apply_errors(form: PlanSectionForm, error: ValidationError) -> None:
    """Show the service's errors on the section's fields; an error in another section (a new
    period that a step no longer fits) is named with its section."""
    note_edit_conflict(form, error)
    fields = _all_fields(form)
    for name, messages in error.errors.items():
        target = fields.get(name)
        if target is not None:
            target.errors = [*list(target.errors or []), *messages]
            continue
        other = section_of_field(name)
        for message in messages:
            form.form_errors.append(
                _("%(section)s: %(message)s", section=other.label, message=message)
                if other
                else message
            )
    if not error.errors and error.message:
        form.form_errors.append(error.message)


def _add_rule_errors(form: PlanSectionForm, data: services.PlanInput, org) -> None:
    """After a field's own error, also show the plan rules' messages on the section's other
    fields, so that every problem is reported at once."""
    if org is None:
        return
    fields = _all_fields(form)
    for name, messages in services.check_plan_input(data, org).items():
        target = fields.get(name)
        if target is not None and not target.errors:
            target.errors = list(messages)


def _error_list(form: PlanSectionForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) for the error summary at the top of the form."""
    out = []
    for f in form:
        if isinstance(f, FieldList):
            group = _("Step") if f.name == "steps" else SECTION_LABELS.get(f.name, f.name)
            for index, entry in enumerate(f):
                for sub in entry:
                    for message in sub.errors or []:
                        out.append((sub.id, f"{group} {index + 1}: {sub.label.text}", message))
        elif f.name != "csrf_token":
            for message in f.errors or []:
                if isinstance(message, str):
                    out.append((f.id, f.label.text, message))
    return out


def _row_templates(form: PlanSectionForm, choices: dict) -> dict:
    """An empty row of each repeated group of the section, named with `__index__` for the
    script that adds rows in place."""
    rows = {}
    for name, row_form in ROW_FORMS.items():
        if name in form:
            row = row_form(prefix=f"{name}-__index__-")
            if name == "steps":
                row.standard_ids.choices = [
                    SelectChoice(str(s.id), s.name) for s in choices["standards"]
                ]
            rows[name] = row
    return rows


STANDARD_GROUPS = (
    (StandardKind.REGULATION, _l("Regulations")),
    (StandardKind.STANDARD, _l("Standards")),
    (StandardKind.SPECIFICATION, _l("Specifications")),
    (StandardKind.NATIONAL_SOLUTION, _l("National solutions")),
)
PARTNER_GROUPS = (
    (OrganisationKind.MUNICIPALITY, _l("Municipalities")),
    (OrganisationKind.AUTHORITY, _l("Authorities")),
    (OrganisationKind.SUPPLIER, _l("System suppliers")),
    (OrganisationKind.OTHER, _l("Other organisations")),
)


def _checklist_groups(form: PlanSectionForm, choices: dict) -> list[tuple]:
    """The standards or partners to tick, by kind: (heading, items, open). A group is open
    when it is short or holds a ticked item, so that no choice is hidden."""
    if "standards" in form:
        by_id = {str(s.id): s for s in choices["standards"]}
        rows = [
            (e, by_id[str(e.form.standard_id.data)])
            for e in form.standards
            if str(e.form.standard_id.data) in by_id
        ]
        return [
            (label, [(e, s) for e, s in rows if s.kind == kind], True)
            for kind, label in STANDARD_GROUPS
        ]
    if "partner_ids" in form:
        kinds = {str(o.id): o.kind for o in choices["partners"]}
        options = list(form.partner_ids)
        groups = []
        for kind, label in PARTNER_GROUPS:
            items = [o for o in options if kinds.get(str(o.data)) == kind]
            groups.append((label, items, len(items) <= 30 or any(o.checked for o in items)))
        return groups
    return []


def _section_page(form, plan: Plan | None, section: EditorSection, choices: dict, status: int):
    saved = {}
    if plan is not None and form.edit_conflict:
        saved = {n: getattr(plan, n) for n in ("title", "summary", *TEXT_SECTIONS) if n in form}
    return (
        render_template(
            "plans/edit.html",
            form=form,
            plan=plan,
            section=section,
            sections=SECTIONS,
            next_section=next_section(section.key),
            errors=_error_list(form),
            saved=saved,
            row_templates=_row_templates(form, choices),
            dimensions={str(d.id): d for d in choices.get("dimensions", [])},
            standards={str(s.id): s for s in choices.get("standards", [])},
            levels=MATURITY_LEVELS,
            checklist_groups=_checklist_groups(form, choices),
        ),
        status,
    )


def _choices(section: EditorSection) -> dict:
    """The catalogue data a section's fields choose from (and only what it needs)."""
    choices: dict = {}
    if section.key == "maturity":
        choices["dimensions"] = services.list_dimensions()
    if section.key in ("standards", "steps"):
        choices["standards"] = services.list_standards()
    if section.key == "partners":
        choices["partners"] = services.list_partner_candidates()
    return choices


def _saved(plan: Plan, section: EditorSection):
    """After a save: on to the next section, or to the plan after the last."""
    following = next_section(section.key)
    if following is None:
        return redirect(url_for("plans.show", plan_id=plan.id))
    return redirect(url_for("plans.edit_section", plan_id=plan.id, section=following.key))


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Start a new plan (a draft): its basics create it, the other sections follow."""
    actor = current_actor()
    if actor is None:
        return _login_redirect()
    organisations = services.organisation_choices(actor)
    if not organisations:
        abort(403)
    section = SECTIONS[0]
    form = BasicsForm()
    form.organisation_id.choices = [SelectChoice(str(o.id), o.name) for o in organisations]
    if request.method == "GET":
        preset = request.args.get("org")
        chosen = next((o for o in organisations if o.slug == preset), None)
        if chosen is None and len(organisations) == 1:
            chosen = organisations[0]
        if chosen is not None:
            form.organisation_id.data = chosen.id
        return _section_page(form, None, section, {}, 200)
    data = services.PlanInput(**_changes(form))
    if form.validate():
        try:
            org = services.find_organisation(actor, form.organisation_id.data)
            if org not in organisations:
                abort(403)
            plan = services.create_plan(actor, org, data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            flash(
                _("The draft is saved. Go on with the next part, or publish it when it is ready."),
                "success",
            )
            return _saved(plan, section)
    else:
        chosen = next((o for o in organisations if o.id == form.organisation_id.data), None)
        _add_rule_errors(form, data, chosen)
    return _section_page(form, None, section, {}, 422)


def _editable_draft(plan_id: int):
    """The plan, if the actor may edit it now; else the response that says why not."""
    actor = current_actor()
    plan = services.get_plan(actor, plan_id)
    if actor is None:
        return actor, plan, _login_redirect()
    if not services.can_edit_plan(actor, plan):
        abort(403)
    if plan.status != PlanStatus.DRAFT:
        draft = services.editable_version(plan)
        if draft is not plan:
            to_draft = {**(request.view_args or {}), "plan_id": draft.id}
            return actor, plan, redirect(url_for(request.endpoint, **to_draft))
        flash(_("The plan is published: start a new version first, then edit that draft."), "error")
        return actor, plan, redirect(url_for("plans.show", plan_id=plan.id))
    return actor, plan, None


@bp.get("/<int:plan_id>/edit")
def edit(plan_id: int):
    """Edit a draft plan: its first section."""
    _actor, plan, refusal = _editable_draft(plan_id)
    return refusal or redirect(url_for("plans.edit_section", plan_id=plan.id, section="basics"))


@bp.route("/<int:plan_id>/edit/<section>", methods=["GET", "POST"])
def edit_section(plan_id: int, section: str):
    """Edit one section of a draft plan and save it on its own."""
    part = get_section(section)
    if part is None:
        abort(404)
    actor, plan, refusal = _editable_draft(plan_id)
    if refusal:
        return refusal
    choices = _choices(part)
    form = SECTION_FORMS[part.key](data=_form_data(plan) if request.method == "GET" else None)
    if "organisation_id" in form:
        del form.organisation_id
    _fill_lists(form, plan, choices)
    if request.method == "GET":
        return _section_page(form, plan, part, choices, 200)
    if _row_button(form):
        _fill_lists(form, plan, choices)
        _clear_errors(form)
        return _section_page(form, plan, part, choices, 200)
    if form.validate():
        try:
            services.update_plan_part(
                actor, plan, _changes(form), loaded_version=form.loaded_version.data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            flash(_("%(section)s: saved.", section=part.label), "success")
            return _saved(plan, part)
    else:
        _add_rule_errors(form, services.merged_input(plan, _changes(form)), plan.organisation)
    return _section_page(form, plan, part, choices, 422)


def _workflow(plan_id: int, action, done_message: str):
    actor = current_actor()
    plan = services.get_plan(actor, plan_id, full=False)
    if actor is None:
        return _login_redirect()
    done: list = []
    button_change(lambda: done.append(action(actor, plan)), done_message)
    # Go on to the plan the action leaves: the working copy it started, or the published plan
    # a working copy went into (published or discarded).
    shown = done[0] if done else plan
    if not isinstance(shown, Plan):
        shown = shown.plan  # a published revision
    return redirect(url_for("plans.show", plan_id=shown.id))


@bp.post("/<int:plan_id>/publish")
def publish(plan_id: int):
    """Publish a draft (and store a revision); a working copy becomes its plan's new version."""
    return _workflow(plan_id, services.publish_plan, _("The plan is published."))


@bp.post("/<int:plan_id>/archive")
def archive(plan_id: int):
    """Archive a published plan."""
    return _workflow(plan_id, services.archive_plan, _("The plan is archived."))


@bp.post("/<int:plan_id>/reopen")
def reopen(plan_id: int):
    """Start a new version: a draft beside the published plan, which stays public."""
    return _workflow(
        plan_id,
        services.reopen_plan,
        _(
            "A draft of the new version is started; the published version stays public "
            "until you publish this one."
        ),
    )


@bp.post("/<int:plan_id>/discard")
def discard(plan_id: int):
    """Throw away the draft of a new version; the published plan stays as it is."""
    return _workflow(
        plan_id,
        services.discard_working_copy,
        _("The draft of the new version is discarded; the published version is unchanged."),
    )


@bp.post("/<int:plan_id>/current")
def set_current(plan_id: int):
    """Mark a published plan as the organisation's current plan."""
    return _workflow(
        plan_id, services.set_current_plan, _("The plan is marked as the current plan.")
    )
