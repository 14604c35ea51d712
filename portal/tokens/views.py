"""The account page where users create, see and revoke their API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from portal.core.actor import current_actor
from portal.core.forms import apply_service_errors
from portal.core.limits import rate_limited
from portal.errors import ValidationError
from portal.tokens import services
from portal.tokens.forms import TokenForm

bp = Blueprint("tokens", __name__)


@bp.route("/account/tokens", methods=["GET", "POST"])
@rate_limited("token_creation")  # counts POSTs only
@login_required
def index():
    """List the user's API tokens and create a new one (its secret is shown once)."""
    user = current_actor()
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            token, secret = services.create_token(
                user,
                name=form.name.data,
                write=form.write.data,
                expires_days=int(form.expires_days.data) if form.expires_days.data else None,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            form = TokenForm(formdata=None)
    status = 422 if form.errors or form.form_errors else (201 if secret else 200)
    response = render_template(
        "tokens/index.html", form=form, tokens=services.list_tokens(user), secret=secret
    )
    # The secret must not linger in any cache.
    return response, status, {"Cache-Control": "no-store"}


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Revoke one of the user's tokens."""
    user = current_actor()
    token = services.revoke_token(user, services.get_token(user, token_id))
    flash(_("The token “%(name)s” has been revoked.", name=token.name), "success")
    return redirect(url_for("tokens.index"))
