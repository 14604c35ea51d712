"""Follow and unfollow buttons, and the page of what I follow."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import HiddenField

from portal.core.actor import current_actor
from portal.core.boundary import PortalForm
from portal.core.forms import button_change
from portal.core.urls import safe_next
from portal.follows import services
from portal.follows.models import FollowTarget

bp = Blueprint("follows", __name__)


class FollowForm(PortalForm):
    """The follow button: what to follow and the page to come back to."""

    type = HiddenField()
    target = HiddenField()
    next = HiddenField()


class UnfollowForm(PortalForm):
    next = HiddenField()


@bp.app_template_global()
def follow_of(target_type: str, key: object):
    """The current user's follow of this target (by normalised key), or None."""
    return services.following(current_actor(), FollowTarget(target_type), key)


def _back(form: PortalForm) -> str:
    return safe_next(form.next.data) or url_for("follows.index")


@bp.post("/follows")
@login_required
def follow():
    """Follow what the button names, then go back to its page."""
    form = FollowForm()
    button_change(
        lambda: services.follow(current_actor(), form.type.data, form.target.data),
        _("You follow this now. You will be notified of what happens."),
        form,
    )
    return redirect(_back(form))


@bp.post("/follows/<int:follow_id>/remove")
@login_required
def unfollow(follow_id: int):
    """Stop following, then go back to the page the button was on."""
    form = UnfollowForm()
    button_change(
        lambda: services.unfollow(current_actor(), follow_id),
        _("You no longer follow this."),
        form,
    )
    return redirect(_back(form))


@bp.get("/me/follows")
@login_required
def index():
    """List what I follow, each with a button to stop."""
    return render_template(
        "follows/index.html",
        follows=services.follows_of(current_actor()),
        labels=services.TARGET_LABELS,
        here=request.full_path,
    )
