"""Organisation pages: list, profile, registration, members and join requests."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from portal.core.actor import current_actor
from portal.core.args import choice_arg, enum_arg, int_arg, text_arg, unknown_values
from portal.core.forms import (
    EmptyForm,
    FormPage,
    button_change,
    flash_change,
    form_page,
    submit_form,
)
from portal.core.pagination import Page
from portal.core.urls import object_url
from portal.errors import ValidationError
from portal.orgs import services
from portal.orgs.forms import (
    DecisionForm,
    JoinForm,
    OrganisationEditForm,
    OrganisationRegistrationForm,
    RoleForm,
)
from portal.orgs.models import MembershipStatus, OrganisationKind, Role

bp = Blueprint("orgs", __name__, url_prefix="/organizations")


@bp.get("")
def index():
    """List organisations, filtered by kind and county, searched by name."""
    kind = enum_arg("kind", OrganisationKind)
    counties = services.list_counties()
    county_code = choice_arg("county", (c.code for c in counties))
    q = text_arg("q") or ""
    verified = None
    actor = current_actor()
    if actor is not None and actor.is_site_admin and request.args.get("verified") == "no":
        verified = False
    unknown = unknown_values(
        (_("Kind of organisation"), "kind", kind), (_("County"), "county", county_code)
    )
    page = (
        Page([], 1, 20, 0)
        if unknown
        else services.list_organisations(
            services.OrganisationFilter(
                kind=kind, county_code=county_code, q=q or None, verified=verified
            ),
            page=int_arg("page"),
            per_page=20,
        )
    )
    return render_template(
        "orgs/index.html",
        page=page,
        unknown=unknown,
        counties=counties,
        kinds=OrganisationKind,
        selected_kind=kind.value if kind else "",
        selected_county=county_code or "",
        q=q,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def register():
    """Register a supplier or another organisation."""
    form = OrganisationRegistrationForm()
    form.county_code.choices = [SelectChoice("", _("No county"))] + [
        SelectChoice(c.code, c.name) for c in services.list_counties()
    ]
    done = submit_form(
        form,
        lambda: services.register_organisation(
            current_actor(),
            name=form.name.data,
            kind=OrganisationKind(form.kind.data),
            website=form.website.data,
            description=form.description.data,
            county_code=form.county_code.data or None,
        ),
        _("The organisation is registered. A site administrator will verify it."),
        _show_url,
    )
    return done or form_page("orgs/register.html", form)


_show_url = object_url("orgs.show", slug="slug")
_members_url = object_url("orgs.members", slug="slug")


def _membership(slug: str, membership_id: int):
    """An organisation and one of its memberships (requests included)."""
    org = services.get_organisation(slug)
    return org, services.get_membership(org, membership_id)


@bp.get("/<slug>")
def show(slug: str):
    """Show an organisation's profile."""
    org = services.get_organisation(slug)
    actor = current_actor()
    role = services.active_role(actor, org)
    return render_template(
        "orgs/show.html",
        org=org,
        role=role,
        pending=services.pending_membership(actor, org) if role is None else None,
        is_member=services.is_member(actor, org),
        can_manage=services.can_manage_members(actor, org),
        # Only for someone logged in: a form makes a CSRF token, so a session cookie.
        join_form=JoinForm() if actor else None,
        statuses=MembershipStatus,
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit an organisation's website and description (its admins)."""
    org = services.get_organisation_to_edit(current_actor(), slug)
    form = OrganisationEditForm(obj=org)
    return FormPage("orgs/edit.html", _show_url).save(
        form,
        lambda: services.update_organisation(
            current_actor(), org, website=form.website.data, description=form.description.data
        ),
        org=org,
    )


@bp.post("/<slug>/verify")
@login_required
def verify(slug: str):
    """Verify a registered organisation (site admins)."""
    org = services.get_organisation(slug)
    button_change(
        lambda: services.verify_organisation(current_actor(), org),
        _("The organisation is verified."),
    )
    return redirect(_show_url(org))


@bp.post("/<slug>/join")
@login_required
def join(slug: str):
    """Ask to join an organisation."""
    org = services.get_organisation(slug)
    form = JoinForm()
    if form.validate_on_submit():
        flash_change(
            lambda: services.request_membership(current_actor(), org, form.message.data),
            _("Your request has been sent to the organisation's admins."),
        )
    else:
        flash(_("The request could not be sent."), "error")
    return redirect(_show_url(org))


@bp.get("/<slug>/members")
@login_required
def members(slug: str):
    """List members and pending requests (members of the organisation only)."""
    org = services.get_organisation(slug)
    actor = current_actor()
    memberships = services.list_members(actor, org)
    return render_template(
        "orgs/members.html",
        org=org,
        memberships=memberships,
        can_manage=services.can_manage_members(actor, org),
        decision_form=DecisionForm(),
        role_form_for=lambda m: RoleForm(role=m.role.value, prefix=f"m{m.id}"),
        statuses=MembershipStatus,
        roles=Role,
    )


def _member_change(slug: str, membership_id: int, form: FlaskForm, change, success: str):
    """A button on the members page: run `change(membership)`, back to the page."""
    org, membership = _membership(slug, membership_id)
    button_change(lambda: change(membership), success, form)
    return redirect(_members_url(org))


@bp.post("/<slug>/members/<int:membership_id>/decide")
@login_required
def decide(slug: str, membership_id: int):
    """Approve or refuse a request to join."""
    form = DecisionForm()
    approve = request.form.get("decision") == "approve"
    return _member_change(
        slug,
        membership_id,
        form,
        lambda m: services.decide_membership(
            current_actor(), m, approve=approve, role=Role(form.role.data)
        ),
        _("Request approved.") if approve else _("Request refused."),
    )


@bp.post("/<slug>/members/<int:membership_id>/role")
@login_required
def change_role(slug: str, membership_id: int):
    """Change a member's role (the form's fields carry the membership's prefix)."""
    form = RoleForm(prefix=f"m{membership_id}")
    return _member_change(
        slug,
        membership_id,
        form,
        lambda m: services.change_role(current_actor(), m, Role(form.role.data)),
        _("The role has been changed."),
    )


@bp.post("/<slug>/members/<int:membership_id>/remove")
@login_required
def remove(slug: str, membership_id: int):
    """Remove a member, or leave the organisation."""
    org, membership = _membership(slug, membership_id)
    leaving = current_actor() is not None and membership.user_id == current_actor().id
    if EmptyForm().validate_on_submit():
        try:
            services.remove_member(current_actor(), membership)
        except ValidationError as error:
            flash(error.message, "error")
            return redirect(_members_url(org))
        flash(
            _("You have left the organisation.") if leaving else _("The member has been removed."),
            "success",
        )
        if leaving:
            return redirect(_show_url(org))
    return redirect(_members_url(org))
