"""The personal start page, the list of notifications and the header's unread badge."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from portal.core.actor import current_actor
from portal.core.forms import EmptyForm, button_change
from portal.core.pagination import clamp
from portal.notifications import services
from portal.notifications.start import start_page

bp = Blueprint("me", __name__)


@bp.app_template_global()
def unread_notifications() -> int:
    """The logged-in user's unread count for the header badge (one COUNT query), 0 when
    anonymous."""
    actor = current_actor()
    return services.unread_count(actor) if actor is not None else 0


@bp.get("/start")
@login_required
def start():
    """Show my start page: my organisations' drafts, my needs and their answers, my unread
    notifications and what changed in what I follow."""
    return render_template("notifications/start.html", start=start_page(current_actor()))


@bp.get("/me/notifications")
@login_required
def notifications():
    """List my notifications, newest first, unread marked; `?unread=1` for unread only."""
    unread_only = request.args.get("unread") == "1"
    page_number, _per_page = clamp(request.args.get("page", type=int), 20)
    page = services.notification_page(current_actor(), page_number, 20, unread_only=unread_only)
    return render_template(
        "notifications/index.html",
        page=page,
        views=[services.describe(n) for n in page.items],
        unread_only=unread_only,
    )


def _back() -> str:
    return url_for(
        "me.notifications", **{k: v for k, v in request.args.items() if k in ("page", "unread")}
    )


@bp.post("/me/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    """Mark one notification read and go to what it is about."""
    if not EmptyForm().validate_on_submit():
        flash(_("The form has expired. Reload it and try again."), "error")
        return redirect(_back())
    return redirect(services.open_notification(current_actor(), notification_id).url)


@bp.post("/me/notifications/<int:notification_id>/read")
@login_required
def mark_one_read(notification_id: int):
    """Mark one notification read."""
    button_change(
        lambda: services.mark_read(current_actor(), [notification_id]), _("Marked as read.")
    )
    return redirect(_back())


@bp.post("/me/notifications/read")
@login_required
def mark_all_read():
    """Mark all my notifications read."""
    button_change(
        lambda: services.mark_read(current_actor(), None),
        _("All notifications are marked as read."),
    )
    return redirect(_back())
