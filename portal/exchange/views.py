"""Pages for experiences (/experiences) and adaptation needs with answers (/needs)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import SelectChoice

from portal.core.actor import current_actor
from portal.core.forms import apply_service_errors
from portal.errors import NotAuthorized, ValidationError
from portal.exchange import services
from portal.exchange.forms import (
    NEED_STATUS_LABELS,
    PRODUCT_AREA_LABELS,
    SUPPORT_STATUS_LABELS,
    AnswerEditForm,
    AnswerForm,
    BackingForm,
    CommentForm,
    ExperienceEditForm,
    ExperienceForm,
    NeedEditForm,
    NeedForm,
)
from portal.exchange.models import NeedStatus, ProductArea, SupportStatus
from portal.orgs.forms import EmptyForm
from portal.orgs.models import OrganisationKind
from portal.orgs.services import list_counties
from portal.plans.services import can_view_plan, public_steps_of
from portal.standards.services import all_standards

experiences_bp = Blueprint("experiences", __name__, url_prefix="/experiences")
needs_bp = Blueprint("needs", __name__, url_prefix="/needs")


def _int_arg(name: str, default: int = 1) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 9 else default


def _enum_arg(name: str, enum_cls):
    value = request.args.get(name) or None
    return enum_cls(value) if value in {m.value for m in enum_cls} else None


def _county_arg(counties) -> str | None:
    code = request.args.get("county") or None
    return code if code in {c.code for c in counties} else None


def _standard_arg(standards) -> str | None:
    slug = request.args.get("standard") or None
    return slug if slug in {s.slug for s in standards} else None


@experiences_bp.app_context_processor
def exchange_template_helpers() -> dict:
    return {
        "product_area_label": lambda v: str(PRODUCT_AREA_LABELS.get(v, v)),
        "support_status_label": lambda v: str(SUPPORT_STATUS_LABELS.get(v, v)),
        "need_status_label": lambda v: str(NEED_STATUS_LABELS.get(v, v)),
        "exchange_for_org": services.organisation_summary,
    }


def _org_choices(orgs) -> list[SelectChoice]:
    return [SelectChoice(o.id, o.name) for o in orgs]


def _standard_choices(standards, empty: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(s.id, s.name) for s in standards]
    if empty is not None:
        choices.insert(0, SelectChoice("", empty))
    return choices


# --- experiences -----------------------------------------------------------------------------


@experiences_bp.get("")
def index():
    """List published experiences, filtered by tag, standard, organisation kind and county."""
    counties = list_counties()
    standards = all_standards()
    kind = _enum_arg("kind", OrganisationKind)
    filters = services.ExperienceFilter(
        tag=(request.args.get("tag") or "").strip()[:60] or None,
        standard=_standard_arg(standards),
        kind=kind,
        county_code=_county_arg(counties),
    )
    page = services.list_experiences(filters, page=_int_arg("page"))
    return render_template(
        "exchange/experiences/index.html",
        page=page,
        filters=filters,
        counties=counties,
        standards=standards,
        kinds=OrganisationKind,
        tags=services.popular_tags(),
        can_write=bool(services.experience_organisations(current_actor())),
    )


def _experience_form(form_cls, **kwargs):
    form = form_cls(**kwargs)
    if getattr(form, "organisation_id", None) is not None:
        form.organisation_id.choices = _org_choices(
            services.experience_organisations(current_actor())
        )
    form.standard_ids.choices = _standard_choices(all_standards())
    organisations = services.experience_organisations(current_actor())
    form.plan_step_id.choices = [SelectChoice("", _("No plan step"))] + [
        SelectChoice(
            str(step.id),
            f"{step.plan.organisation.name}: {step.plan.title} – {step.title}",
        )
        for step in public_steps_of([o.id for o in organisations])
    ]
    return form


def _step_id(form) -> int | None:
    value = form.plan_step_id.data or ""
    return int(value) if value.isdigit() and len(value) < 10 else None


@experiences_bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Write an experience (saved as a draft)."""
    form = _experience_form(ExperienceForm)
    if form.validate_on_submit():
        try:
            org = services.get_organisation_by_id(form.organisation_id.data)
            experience = services.create_experience(
                current_actor(),
                org,
                title=form.title.data,
                body=form.body.data,
                tags=services.parse_tags(form.tags.data),
                standard_ids=form.standard_ids.data,
                plan_step_id=_step_id(form),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            flash(_("The draft is saved. Publish it when it is ready."), "success")
            return redirect(url_for("experiences.show", experience_id=experience.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("exchange/experiences/form.html", form=form, experience=None), status


def _render_experience(experience, comment_form=None, status: int = 200):
    actor = current_actor()
    return render_template(
        "exchange/experiences/show.html",
        experience=experience,
        can_edit=services.can_edit_experience(actor, experience),
        # The experience's author and the organisation's admins remove any comment on it.
        moderates=services.has_role(actor, experience.organisation, services.Role.ADMIN)
        or bool(
            actor
            and experience.author_id == actor.id
            and services.is_member(actor, experience.organisation)
        ),
        comment_form=comment_form or CommentForm(),
        # Only link a plan the viewer may see (the service keeps links to public plans only).
        plan_step=experience.plan_step
        if experience.plan_step and can_view_plan(actor, experience.plan_step.plan)
        else None,
        action_form=EmptyForm(),
    ), status


@experiences_bp.get("/<int:experience_id>")
def show(experience_id: int):
    """Show an experience with its comments."""
    return _render_experience(services.get_experience(current_actor(), experience_id))


@experiences_bp.route("/<int:experience_id>/edit", methods=["GET", "POST"])
@login_required
def edit(experience_id: int):
    """Edit an experience (its author and the organisation's editors)."""
    actor = current_actor()
    experience = services.get_experience(actor, experience_id)
    if not services.can_edit_experience(actor, experience):
        raise NotAuthorized(_("You do not have permission to do this."))
    # Plain data, not obj=: the tags are Tag rows on the model but one text in the form.
    form = _experience_form(
        ExperienceEditForm,
        data={
            "title": experience.title,
            "body": experience.body,
            "tags": ", ".join(t.name for t in experience.tags),
            "standard_ids": [s.id for s in experience.standards],
            "plan_step_id": str(experience.plan_step_id or ""),
        },
    )
    if form.validate_on_submit():
        try:
            services.update_experience(
                actor,
                experience,
                title=form.title.data,
                body=form.body.data,
                tags=services.parse_tags(form.tags.data),
                standard_ids=form.standard_ids.data,
                plan_step_id=_step_id(form),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("experiences.show", experience_id=experience.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "exchange/experiences/form.html", form=form, experience=experience
    ), status


@experiences_bp.post("/<int:experience_id>/publish")
@login_required
def publish(experience_id: int):
    """Publish a draft."""
    actor = current_actor()
    experience = services.get_experience(actor, experience_id)
    if EmptyForm().validate_on_submit():
        try:
            services.publish_experience(actor, experience)
        except ValidationError as error:
            flash(error.message, "error")
        else:
            flash(_("The experience is published."), "success")
    return redirect(url_for("experiences.show", experience_id=experience.id))


@experiences_bp.post("/<int:experience_id>/unpublish")
@login_required
def unpublish(experience_id: int):
    """Turn a published experience back into a draft."""
    actor = current_actor()
    experience = services.get_experience(actor, experience_id)
    if EmptyForm().validate_on_submit():
        services.unpublish_experience(actor, experience)
        flash(_("The experience is a draft again."), "success")
    return redirect(url_for("experiences.show", experience_id=experience.id))


@experiences_bp.post("/<int:experience_id>/comments")
@login_required
def comment(experience_id: int):
    """Comment on an experience."""
    actor = current_actor()
    experience = services.get_experience(actor, experience_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.add_comment(actor, experience, form.body.data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            flash(_("Your comment is published."), "success")
            return redirect(url_for("experiences.show", experience_id=experience.id))
    return _render_experience(experience, comment_form=form, status=422)


@experiences_bp.post("/<int:experience_id>/comments/<int:comment_id>/remove")
@login_required
def remove_comment(experience_id: int, comment_id: int):
    """Remove a comment (its author, the organisation's admins, site admins)."""
    actor = current_actor()
    experience = services.get_experience(actor, experience_id)
    comment = services.get_comment(experience, comment_id)
    if EmptyForm().validate_on_submit():
        services.remove_comment(actor, comment)
        flash(_("The comment is removed."), "success")
    return redirect(url_for("experiences.show", experience_id=experience.id))


# --- needs -----------------------------------------------------------------------------------


@needs_bp.get("", endpoint="index")
def need_index():
    """List adaptation needs with filters, sorted by backing or date."""
    counties = list_counties()
    standards = all_standards()
    sort = request.args.get("sort") if request.args.get("sort") in services.NEED_SORTS else None
    filters = services.NeedFilter(
        status=_enum_arg("status", NeedStatus),
        standard=_standard_arg(standards),
        product_area=_enum_arg("area", ProductArea),
        kind=_enum_arg("kind", OrganisationKind),
        county_code=_county_arg(counties),
        sort=sort or "backed",
    )
    page = services.list_needs(filters, page=_int_arg("page"))
    return render_template(
        "exchange/needs/index.html",
        page=page,
        filters=filters,
        counties=counties,
        standards=standards,
        kinds=OrganisationKind,
        statuses=NeedStatus,
        areas=ProductArea,
        can_post=bool(services.need_organisations(current_actor())),
    )


@needs_bp.get("/for-suppliers")
def for_suppliers():
    """Open needs, most backed first, marking those the supplier has not answered."""
    standards = all_standards()
    suppliers = services.supplier_organisations(current_actor())
    supplier_ids = [o.id for o in suppliers]
    unanswered_only = request.args.get("unanswered") == "1" and bool(supplier_ids)
    filters = services.NeedFilter(
        standard=_standard_arg(standards), product_area=_enum_arg("area", ProductArea)
    )
    page = services.list_needs_for_suppliers(
        filters, supplier_ids, unanswered_only=unanswered_only, page=_int_arg("page")
    )
    answered = services.answered_need_ids([n.id for n in page.items], supplier_ids)
    return render_template(
        "exchange/needs/for_suppliers.html",
        page=page,
        filters=filters,
        standards=standards,
        areas=ProductArea,
        suppliers=suppliers,
        answered=answered,
        unanswered_only=unanswered_only,
    )


def _need_form(form_cls, **kwargs):
    form = form_cls(**kwargs)
    if getattr(form, "organisation_id", None) is not None:
        form.organisation_id.choices = _org_choices(services.need_organisations(current_actor()))
    form.standard_id.choices = _standard_choices(all_standards(), _("None in particular"))
    return form


def _need_values(form) -> dict:
    raw = form.standard_id.data
    return {
        "title": form.title.data or "",
        "description": form.description.data or "",
        "standard_id": int(raw) if raw and str(raw).isdigit() else None,
        "product_area": ProductArea(form.product_area.data),
        "desired_by": form.desired_by.data,
    }


@needs_bp.route("/new", methods=["GET", "POST"], endpoint="new")
@login_required
def need_new():
    """Post an adaptation need on behalf of a municipality or authority."""
    form = _need_form(NeedForm)
    if request.method == "GET" and request.args.get("standard"):
        standards = {s.slug: s.id for s in all_standards()}
        form.standard_id.data = str(standards.get(request.args["standard"], ""))
    if form.validate_on_submit():
        try:
            org = services.get_organisation_by_id(form.organisation_id.data)
            need = services.post_need(current_actor(), org, **_need_values(form))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            flash(_("The need is published."), "success")
            return redirect(url_for("needs.show", need_id=need.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("exchange/needs/form.html", form=form, need=None), status


def _render_need(need, *, answer_form=None, status: int = 200):
    actor = current_actor()
    backing_orgs = services.backing_organisations(actor, need)
    backing_form = BackingForm()
    backing_form.organisation_id.choices = _org_choices(backing_orgs)
    answer_orgs = services.answering_organisations(actor, need)
    # A refused answer is shown again with its errors, even to someone who may not answer.
    show_answer_form = bool(answer_orgs) and need.status.is_active or answer_form is not None
    if answer_form is None:
        answer_form = AnswerForm()
    answer_form.organisation_id.choices = _org_choices(answer_orgs)
    my_org_ids = {o.id for o in services.member_organisations(actor, services.Role.EDITOR)}
    supplier_ids = {o.id for o in services.member_organisations(actor, services.Role.MEMBER)}
    return render_template(
        "exchange/needs/show.html",
        need=need,
        can_manage=services.can_manage_need(actor, need),
        is_site_admin=bool(actor and actor.is_site_admin),
        backing_form=backing_form if backing_orgs and need.status.is_active else None,
        answer_form=answer_form if show_answer_form else None,
        my_org_ids=my_org_ids,
        supplier_ids=supplier_ids,
        action_form=EmptyForm(),
        statuses=NeedStatus,
    ), status


@needs_bp.get("/<int:need_id>", endpoint="show")
def need_show(need_id: int):
    """Show a need, who backs it and the supplier answers with their history."""
    return _render_need(services.get_need(need_id))


@needs_bp.route("/<int:need_id>/edit", methods=["GET", "POST"], endpoint="edit")
@login_required
def need_edit(need_id: int):
    """Edit a need (editors of the owning organisation)."""
    actor = current_actor()
    need = services.get_need(need_id)
    if not services.can_manage_need(actor, need):
        raise NotAuthorized(_("You do not have permission to do this."))
    form = _need_form(NeedEditForm, obj=need)
    if request.method == "GET":
        form.standard_id.data = str(need.standard_id or "")
        form.product_area.data = need.product_area.value
    if form.validate_on_submit():
        try:
            services.update_need(actor, need, **_need_values(form))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("needs.show", need_id=need.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("exchange/needs/form.html", form=form, need=need), status


@needs_bp.post("/<int:need_id>/status")
@login_required
def change_status(need_id: int):
    """Resolve, close or reopen a need."""
    need = services.get_need(need_id)
    value = request.form.get("status", "")
    if value not in {s.value for s in NeedStatus}:
        raise ValidationError(_("This change of status is not possible."))
    if EmptyForm().validate_on_submit():
        try:
            services.change_need_status(current_actor(), need, NeedStatus(value))
        except ValidationError as error:
            flash(error.message, "error")
        else:
            flash(
                _("The status is now: %(status)s.", status=NEED_STATUS_LABELS[need.status]),
                "success",
            )
    return redirect(url_for("needs.show", need_id=need.id))


@needs_bp.post("/<int:need_id>/backings")
@login_required
def back(need_id: int):
    """Back a need on behalf of an organisation."""
    need = services.get_need(need_id)
    form = BackingForm()
    if form.validate_on_submit():
        try:
            org = services.get_organisation_by_id(form.organisation_id.data)
            services.back_need(current_actor(), need, org)
        except ValidationError as error:
            flash(error.message, "error")
            return redirect(url_for("needs.show", need_id=need.id))
        flash(_("%(org)s backs this need.", org=org.name), "success")
    return redirect(url_for("needs.show", need_id=need.id))


@needs_bp.post("/<int:need_id>/backings/<int:organisation_id>/remove")
@login_required
def unback(need_id: int, organisation_id: int):
    """Withdraw an organisation's backing."""
    need = services.get_need(need_id)
    if EmptyForm().validate_on_submit():
        org = services.get_organisation_by_id(organisation_id)
        services.unback_need(current_actor(), need, org)
        flash(_("The backing is withdrawn."), "success")
    return redirect(url_for("needs.show", need_id=need.id))


def _answer_values(form) -> dict:
    return {
        "product": form.product.data or "",
        "support_status": SupportStatus(form.support_status.data),
        "available_from": form.available_from.data,
        "body": form.body.data or "",
    }


@needs_bp.post("/<int:need_id>/answers")
@login_required
def answer(need_id: int):
    """Answer a need on behalf of a supplier."""
    need = services.get_need(need_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            org = services.get_organisation_by_id(form.organisation_id.data)
            services.answer_need(current_actor(), need, org, **_answer_values(form))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            flash(_("Your answer is published."), "success")
            return redirect(url_for("needs.show", need_id=need.id))
    return _render_need(need, answer_form=form, status=422)


@needs_bp.route("/<int:need_id>/answers/<int:answer_id>/edit", methods=["GET", "POST"])
@login_required
def edit_answer(need_id: int, answer_id: int):
    """Change an answer; the earlier version is kept."""
    actor = current_actor()
    need = services.get_need(need_id)
    answer = services.get_answer(need, answer_id)
    if not services.can_edit_answer(actor, answer):
        raise NotAuthorized(_("You do not have permission to do this."))
    form = AnswerEditForm(obj=answer)
    if request.method == "GET":
        form.support_status.data = answer.support_status.value
    if form.validate_on_submit():
        try:
            services.update_answer(actor, answer, **_answer_values(form))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            flash(_("Saved. The earlier version is kept."), "success")
            return redirect(url_for("needs.show", need_id=need.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "exchange/needs/answer_form.html", form=form, need=need, answer=answer
    ), status


@needs_bp.post("/<int:need_id>/answers/<int:answer_id>/accept")
@login_required
def accept_answer(need_id: int, answer_id: int):
    """Mark an answer as accepted, or take the mark away."""
    need = services.get_need(need_id)
    answer = services.get_answer(need, answer_id)
    if EmptyForm().validate_on_submit():
        accepted = request.form.get("accepted") == "1"
        services.set_answer_accepted(current_actor(), answer, accepted)
        flash(
            _("The answer is marked as accepted.") if accepted else _("The mark is removed."),
            "success",
        )
    return redirect(url_for("needs.show", need_id=need.id))
