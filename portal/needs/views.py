"""Adaptation need pages: list, the suppliers' view, post, back, answer."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from portal.core.actor import current_actor
from portal.core.args import choice_arg, enum_arg, int_arg
from portal.core.forms import (
    EmptyForm,
    FormPage,
    button_change,
    flash_change,
    form_page,
    id_choices,
    submit_form,
)
from portal.core.pagination import Page
from portal.core.urls import object_url
from portal.core.versions import version_token
from portal.errors import ValidationError
from portal.needs import services
from portal.needs.forms import (
    NEED_STATUS_LABELS,
    PRODUCT_AREA_LABELS,
    SUPPORT_STATUS_LABELS,
    AnswerEditForm,
    AnswerForm,
    BackingForm,
    NeedEditForm,
    NeedForm,
)
from portal.needs.models import NeedStatus, ProductArea, SupportStatus
from portal.orgs.services import get_organisation_by_id
from portal.standards.filters import content_scope
from portal.standards.services import all_standards

needs_bp = Blueprint("needs", __name__, url_prefix="/needs")
_show_url = object_url("needs.show", need_id="id")
_FORM_PAGE = FormPage("needs/form.html", _show_url)


@needs_bp.app_context_processor
def need_template_helpers() -> dict:
    """Labels for need values, and the organisation page's needs or answers."""
    return {
        "product_area_label": lambda v: str(PRODUCT_AREA_LABELS.get(v, v)),
        "support_status_label": lambda v: str(SUPPORT_STATUS_LABELS.get(v, v)),
        "need_status_label": lambda v: str(NEED_STATUS_LABELS.get(v, v)),
        "needs_of_org": services.needs_of_organisation,
    }


@needs_bp.get("", endpoint="index")
def need_index():
    """List adaptation needs with filters, sorted by backing or date."""
    scope = content_scope()
    filters = services.NeedFilter(
        status=enum_arg("status", NeedStatus),
        standard=scope.standard,
        product_area=enum_arg("area", ProductArea),
        kind=scope.kind,
        county_code=scope.county_code,
        sort=choice_arg("sort", services.NEED_SORTS) or "backed",
    )
    page = (
        Page([], 1, 20, 0) if scope.unknown else services.list_needs(filters, page=int_arg("page"))
    )
    return render_template(
        "needs/index.html",
        page=page,
        filters=filters,
        **scope.choices(),
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
        standard=choice_arg("standard", (s.slug for s in standards)),
        product_area=enum_arg("area", ProductArea),
    )
    page = services.list_needs_for_suppliers(
        filters, supplier_ids, unanswered_only=unanswered_only, page=int_arg("page")
    )
    answered = services.answered_need_ids([n.id for n in page.items], supplier_ids)
    return render_template(
        "needs/for_suppliers.html",
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
        form.organisation_id.choices = id_choices(services.need_organisations(current_actor()))
    form.standard_id.choices = id_choices(all_standards(), _("None in particular"))
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
    return _FORM_PAGE.save(
        form,
        lambda: services.post_need(
            current_actor(), get_organisation_by_id(form.organisation_id.data), **_need_values(form)
        ),
        _("The need is published."),
        need=None,
    )


def _render_need(need, *, answer_form=None, status: int = 200):
    actor = current_actor()
    backing_orgs = services.backing_organisations(actor, need)
    # Forms only for those who may use them: making one makes a CSRF token and so a session
    # cookie, which would keep the page out of every shared cache (README "Caching").
    backing_form = None
    if backing_orgs and need.status.is_active:
        backing_form = BackingForm()
        backing_form.organisation_id.choices = id_choices(backing_orgs)
    answer_orgs = services.answering_organisations(actor, need)
    # A refused answer is shown again with its errors, even to someone who may not answer.
    show_answer_form = bool(answer_orgs) and need.status.is_active or answer_form is not None
    if answer_form is None and show_answer_form:
        answer_form = AnswerForm()
    if answer_form is not None:
        answer_form.organisation_id.choices = id_choices(answer_orgs)
    my_org_ids = {o.id for o in services.member_organisations(actor, services.Role.EDITOR)}
    supplier_ids = {o.id for o in services.member_organisations(actor, services.Role.MEMBER)}
    return render_template(
        "needs/show.html",
        need=need,
        can_manage=services.can_manage_need(actor, need),
        is_site_admin=bool(actor and actor.is_site_admin),
        backing_form=backing_form,
        answer_form=answer_form,
        my_org_ids=my_org_ids,
        supplier_ids=supplier_ids,
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
    need = services.get_need_to_manage(actor, need_id)
    form = _need_form(NeedEditForm, obj=need)
    if request.method == "GET":
        form.standard_id.data = str(need.standard_id or "")
        form.product_area.data = need.product_area.value
        form.loaded_version.data = version_token(need.updated_at)
    return _FORM_PAGE.save(
        form,
        lambda: services.update_need(
            actor, need, **_need_values(form), loaded_version=form.loaded_version.data
        ),
        need=need,
    )


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
    return redirect(_show_url(need))


@needs_bp.post("/<int:need_id>/backings")
@login_required
def back(need_id: int):
    """Back a need on behalf of an organisation."""
    need = services.get_need(need_id)
    form = BackingForm()
    if form.validate_on_submit():
        org = get_organisation_by_id(form.organisation_id.data)
        flash_change(
            lambda: services.back_need(current_actor(), need, org),
            _("%(org)s backs this need.", org=org.name),
        )
    return redirect(_show_url(need))


@needs_bp.post("/<int:need_id>/backings/<int:organisation_id>/remove")
@login_required
def unback(need_id: int, organisation_id: int):
    """Withdraw an organisation's backing."""
    need = services.get_need(need_id)
    button_change(
        lambda: services.unback_need(
            current_actor(), need, get_organisation_by_id(organisation_id)
        ),
        _("The backing is withdrawn."),
    )
    return redirect(_show_url(need))


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
    done = submit_form(
        form,
        lambda: services.answer_need(
            current_actor(),
            need,
            get_organisation_by_id(form.organisation_id.data),
            **_answer_values(form),
        ),
        _("Your answer is published."),
        lambda _answer: _show_url(need),
    )
    return done or _render_need(need, answer_form=form, status=422)


@needs_bp.route("/<int:need_id>/answers/<int:answer_id>/edit", methods=["GET", "POST"])
@login_required
def edit_answer(need_id: int, answer_id: int):
    """Change an answer; the earlier version is kept."""
    actor = current_actor()
    need = services.get_need(need_id)
    answer = services.get_answer_to_edit(actor, need, answer_id)
    form = AnswerEditForm(obj=answer)
    if request.method == "GET":
        form.support_status.data = answer.support_status.value
    done = submit_form(
        form,
        lambda: services.update_answer(actor, answer, **_answer_values(form)),
        _("Saved. The earlier version is kept."),
        lambda _answer: _show_url(need),
    )
    return done or form_page("needs/answer_form.html", form, need=need, answer=answer)


@needs_bp.post("/<int:need_id>/answers/<int:answer_id>/accept")
@login_required
def accept_answer(need_id: int, answer_id: int):
    """Mark an answer as accepted, or take the mark away."""
    need = services.get_need(need_id)
    answer = services.get_answer(need, answer_id)
    accepted = request.form.get("accepted") == "1"
    button_change(
        lambda: services.set_answer_accepted(current_actor(), answer, accepted),
        _("The answer is marked as accepted.") if accepted else _("The mark is removed."),
    )
    return redirect(_show_url(need))
