"""The standards and national solutions catalogue."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import SelectChoice

from portal.core.actor import current_actor
from portal.core.args import enum_arg, int_arg, text_arg, unknown_values
from portal.core.forms import FormPage
from portal.core.pagination import Page
from portal.core.urls import object_url
from portal.experiences import services as experience_services
from portal.needs import services as need_services
from portal.plans.forms import ADOPTION_LABELS
from portal.plans.services import plans_adapting_to_standard
from portal.standards import services
from portal.standards.forms import KIND_LABELS, StandardForm
from portal.standards.models import StandardKind

bp = Blueprint("standards", __name__, url_prefix="/standards")
_FORM_PAGE = FormPage("standards/form.html", object_url("standards.show", slug="slug"))


@bp.app_template_global()
def standard_kind_label(kind: object) -> str:
    return str(KIND_LABELS.get(kind, kind))


@bp.get("")
def index():
    """List the catalogue, filtered by kind and searched by name."""
    kind = enum_arg("kind", StandardKind)
    q = text_arg("q") or ""
    unknown = unknown_values((_("Kind"), "kind", kind))
    page = (
        Page([], 1, 20, 0)
        if unknown
        else services.list_standards(
            services.StandardFilter(kind=kind, q=q or None), page=int_arg("page")
        )
    )
    return render_template(
        "standards/index.html",
        page=page,
        unknown=unknown,
        kinds=StandardKind,
        selected_kind=kind.value if kind else "",
        q=q,
        can_create=services.can_create_standard(current_actor()),
    )


def _prepare(form: StandardForm) -> None:
    actor = current_actor()
    choices = [SelectChoice(str(o.id), o.name) for o in services.owner_choices(actor)]
    if actor is not None and actor.is_site_admin:
        choices.insert(0, SelectChoice("", _("Not on the portal")))
    form.owner_id.choices = choices


def _values(form: StandardForm) -> dict:
    return {
        "name": form.name.data or "",
        "kind": StandardKind(form.kind.data),
        "owner_id": int(form.owner_id.data) if (form.owner_id.data or "").isdigit() else None,
        "owner_name": form.owner_name.data,
        "version": form.version.data,
        "in_force": form.in_force.data,
        "url": form.url.data,
        "description": form.description.data,
    }


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Add an entry to the catalogue."""
    services.require_standard_creator(current_actor())
    form = StandardForm()
    _prepare(form)
    return _FORM_PAGE.save(
        form,
        lambda: services.create_standard(current_actor(), **_values(form)),
        standard=None,
    )


@bp.get("/<slug>")
def show(slug: str):
    """Show an entry with the needs, experiences and supplier answers about it."""
    standard = services.get_standard(slug)
    actor = current_actor()
    return render_template(
        "standards/show.html",
        standard=standard,
        can_maintain=services.can_maintain_standard(actor, standard),
        open_needs=need_services.needs_about_standard(standard, active=True),
        resolved_needs=need_services.needs_about_standard(standard, active=False),
        experiences=experience_services.experiences_about_standard(standard),
        supplier_answers=need_services.supplier_support_for_standard(standard),
        plan_standards=plans_adapting_to_standard(standard),
        adoption_labels=ADOPTION_LABELS,
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit an entry (site admins and the owning authority's editors)."""
    actor = current_actor()
    standard = services.get_standard_to_maintain(actor, slug)
    form = StandardForm(obj=standard)
    _prepare(form)
    if not actor.is_site_admin:
        form.owner_id.choices = [SelectChoice(str(standard.owner_id), standard.owner.name)]
    return _FORM_PAGE.save(
        form,
        lambda: services.update_standard(actor, standard, **_values(form)),
        standard=standard,
    )
