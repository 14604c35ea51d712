"""Home page and language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from portal.core.i18n import LANGUAGE_COOKIE
from portal.core.urls import safe_next

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    """Show the home page: the way in for each kind of organisation, what the portal holds and
    the latest public plans, experiences, needs and supplier answers."""
    # Imported here: core never imports a feature package when it loads.
    from portal.experiences.services import recent_experiences
    from portal.needs.services import recent_answers, recent_needs
    from portal.orgs.models import OrganisationKind
    from portal.orgs.services import count_by_kind
    from portal.plans.services import recent_plans

    return render_template(
        "core/home.html",
        counts=count_by_kind(),
        kinds=OrganisationKind,
        plans=recent_plans(),
        experiences=recent_experiences(),
        needs=recent_needs(),
        answers=recent_answers(),
    )


@bp.get("/language/<code>")
def set_language(code: str):
    """Remember the chosen language in a cookie and go back."""
    target = safe_next(request.args.get("next")) or url_for("core.home")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        if current_user.is_authenticated:
            current_user.locale = code  # their mails follow (portal/notifications/mail.py)
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response
