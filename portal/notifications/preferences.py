"""/mail/preferences/<token>: the page every notification mail links to, where one click sets
how often its reader is mailed; no login needed, the signed token in the link is the authority.

The page's form carries a CSRF token like every form. A mail client's RFC 8058 one-click
unsubscribe (a POST of `List-Unsubscribe=One-Click` to the same address, without cookies) needs
none: only the unforgeable token in the address can make it, and it only turns mail off.
Nothing changes on GET, so link scanners that fetch the address change nothing.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectField

from portal.accounts.models import EmailNotifications
from portal.core.cache_control import PRIVATE
from portal.core.forms import PortalForm
from portal.extensions import csrf
from portal.notifications import mail

bp = Blueprint("mail_preferences", __name__, url_prefix="/mail")


class MailPreferenceForm(PortalForm):
    email_notifications = SelectField(choices=[c.value for c in EmailNotifications])


def _is_one_click() -> bool:
    return request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click"


@bp.route("/preferences/<mail_token>", methods=["GET", "POST"])
@csrf.exempt  # checked below, except for the one-click POST (see the module's docstring)
def preference(mail_token: str):
    """Show how often the link's owner is mailed; one button per choice sets it."""
    one_click = _is_one_click()
    if request.method == "POST" and not one_click and current_app.config.get("WTF_CSRF_ENABLED"):
        csrf.protect()
    user = mail.user_for_token(mail_token)
    if user is None:
        abort(403)
    if one_click:
        mail.set_mail_preference(user, EmailNotifications.NEVER)
        response = current_app.response_class(_("You will get no more notification mail."))
    else:
        form = MailPreferenceForm()
        if form.validate_on_submit():
            mail.set_mail_preference(user, EmailNotifications(form.email_notifications.data))
            label = mail.CHOICES[user.email_notifications][0]
            flash(_("Saved: %(choice)s.", choice=label), "success")
            return redirect(url_for(".preference", mail_token=mail_token), 303)
        status = 422 if form.is_submitted() else 200
        response = current_app.make_response(
            (
                render_template(
                    "notifications/mail/preference.html",
                    user=user,
                    form=form,
                    choices=mail.CHOICES,
                    current=mail.CHOICES[user.email_notifications],
                ),
                status,
            )
        )
    # Personal, and the address is a credential: never cached, never sent on as a referrer.
    response.headers["Cache-Control"] = PRIVATE
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
