"""Experience pages: list, write, publish, comment."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import SelectChoice

from portal.core.actor import current_actor
from portal.core.args import int_arg, text_arg
from portal.core.forms import FormPage, button_change, id_choices, submit_form
from portal.core.pagination import Page
from portal.core.urls import object_url
from portal.core.versions import version_token
from portal.experiences import services
from portal.experiences.forms import (
    CommentForm,
    ExperienceEditForm,
    ExperienceForm,
)
from portal.orgs.services import get_organisation_by_id
from portal.plans.services import can_view_plan, public_steps_of
from portal.standards.filters import content_scope
from portal.standards.services import all_standards

experiences_bp = Blueprint("experiences", __name__, url_prefix="/experiences")


@experiences_bp.app_context_processor
def experience_template_helpers() -> dict:
    """Let the organisation page show the organisation's experiences."""
    return {"experiences_of_org": services.latest_experiences_of}


@experiences_bp.get("")
def index():
    """List published experiences, filtered by tag, standard, organisation kind and county."""
    scope = content_scope()
    filters = services.ExperienceFilter(
        tag=text_arg("tag", max_length=60),
        standard=scope.standard,
        kind=scope.kind,
        county_code=scope.county_code,
    )
    page = (
        Page([], 1, 20, 0)
        if scope.unknown
        else services.list_experiences(filters, page=int_arg("page"))
    )
    return render_template(
        "experiences/index.html",
        page=page,
        filters=filters,
        **scope.choices(),
        tags=services.popular_tags(),
        can_write=bool(services.experience_organisations(current_actor())),
    )


def _experience_form(form_cls, **kwargs):
    form = form_cls(**kwargs)
    if getattr(form, "organisation_id", None) is not None:
        form.organisation_id.choices = id_choices(
            services.experience_organisations(current_actor())
        )
    form.standard_ids.choices = id_choices(all_standards())
    organisations = services.experience_organisations(current_actor())
    form.plan_step_id.choices = [SelectChoice("", _("No plan step"))] + [
        SelectChoice(
            str(step.id),
            f"{step.plan.organisation.name}: {step.plan.title} – {step.title}",
        )
        for step in public_steps_of([o.id for o in organisations])
    ]
    return form


def _experience_values(form) -> dict:
    step = form.plan_step_id.data or ""
    return {
        "title": form.title.data,
        "body": form.body.data,
        "tags": services.parse_tags(form.tags.data),
        "standard_ids": form.standard_ids.data,
        "plan_step_id": int(step) if step.isdigit() and len(step) < 10 else None,
    }


_show_url = object_url("experiences.show", experience_id="id")
_FORM_PAGE = FormPage("experiences/form.html", _show_url)


@experiences_bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Write an experience (saved as a draft)."""
    form = _experience_form(ExperienceForm)
    return _FORM_PAGE.save(
        form,
        lambda: services.create_experience(
            current_actor(),
            get_organisation_by_id(form.organisation_id.data),
            **_experience_values(form),
        ),
        _("The draft is saved. Publish it when it is ready."),
        experience=None,
    )


def _render_experience(experience, comment_form=None, status: int = 200):
    actor = current_actor()
    return render_template(
        "experiences/show.html",
        experience=experience,
        can_edit=services.can_edit_experience(actor, experience),
        moderates=services.can_moderate_comments(actor, experience),
        # Only for someone logged in: a form makes a CSRF token, so a session cookie.
        comment_form=comment_form or (CommentForm() if actor else None),
        # Only link a plan the viewer may see (the service keeps links to public plans only).
        plan_step=experience.plan_step
        if experience.plan_step and can_view_plan(actor, experience.plan_step.plan)
        else None,
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
    experience = services.get_experience_to_edit(actor, experience_id)
    # Plain data, not obj=: the tags are Tag rows on the model but one text in the form.
    form = _experience_form(
        ExperienceEditForm,
        data={
            "title": experience.title,
            "body": experience.body,
            "tags": ", ".join(t.name for t in experience.tags),
            "standard_ids": [s.id for s in experience.standards],
            "plan_step_id": str(experience.plan_step_id or ""),
            "loaded_version": version_token(experience.updated_at),
        },
    )
    return _FORM_PAGE.save(
        form,
        lambda: services.update_experience(
            actor, experience, **_experience_values(form), loaded_version=form.loaded_version.data
        ),
        experience=experience,
    )


def _button(experience_id: int, action, success: str):
    """A button on an experience's page: run the service `action` on it, back to the page."""
    actor = current_actor()
    experience = services.get_experience(actor, experience_id)
    button_change(lambda: action(actor, experience), success)
    return redirect(_show_url(experience))


@experiences_bp.post("/<int:experience_id>/publish")
@login_required
def publish(experience_id: int):
    """Publish a draft."""
    return _button(experience_id, services.publish_experience, _("The experience is published."))


@experiences_bp.post("/<int:experience_id>/unpublish")
@login_required
def unpublish(experience_id: int):
    """Turn a published experience back into a draft."""
    return _button(
        experience_id, services.unpublish_experience, _("The experience is a draft again.")
    )


@experiences_bp.post("/<int:experience_id>/comments")
@login_required
def comment(experience_id: int):
    """Comment on an experience."""
    actor = current_actor()
    experience = services.get_experience(actor, experience_id)
    form = CommentForm()
    done = submit_form(
        form,
        lambda: services.add_comment(actor, experience, form.body.data),
        _("Your comment is published."),
        lambda _comment: _show_url(experience),
    )
    return done or _render_experience(experience, comment_form=form, status=422)


@experiences_bp.post("/<int:experience_id>/comments/<int:comment_id>/remove")
@login_required
def remove_comment(experience_id: int, comment_id: int):
    """Remove a comment (its author, the organisation's admins, site admins)."""
    actor = current_actor()
    experience = services.get_experience(actor, experience_id)
    comment = services.get_comment(experience, comment_id)
    button_change(lambda: services.remove_comment(actor, comment), _("The comment is removed."))
    return redirect(_show_url(experience))
