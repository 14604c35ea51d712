"""Register, log in, log out, profile and password pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from portal.accounts import services
from portal.accounts.forms import LoginForm, PasswordForm, ProfileForm, RegistrationForm
from portal.core.actor import current_actor
from portal.core.forms import EmptyForm, button_change, form_page, submit_form
from portal.core.limits import rate_limited
from portal.core.requests import LOGIN_SESSION_KEY
from portal.core.urls import safe_next

bp = Blueprint("accounts", __name__)


@bp.route("/auth/login", methods=["GET", "POST"])
@rate_limited("login", "login_pair")
def login():
    """Log in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            session[LOGIN_SESSION_KEY] = services.start_session(user, str(get_locale()))
            # The personal start page, unless the login was asked for on the way elsewhere.
            return redirect(safe_next(request.args.get("next")) or url_for("me.start"))
        form.form_errors.append(_("Wrong email or password."))
    return form_page("accounts/login.html", form)


@bp.post("/auth/logout")
def logout():
    """Log out: end this login session, so that a copy of its cookie stops working too."""
    services.end_session(session.pop(LOGIN_SESSION_KEY, None))
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("core.home"))


@bp.route("/auth/register", methods=["GET", "POST"])
@rate_limited("registration")
def register():
    """Create an account, answering the same whether or not the address is taken."""
    form = RegistrationForm()
    done = submit_form(
        form,
        lambda: services.register_if_new(form.email.data, form.name.data, form.password.data),
        # The same answer for a new and a taken address, so that the page does not reveal
        # who has an account: the newcomer logs in next (see the README, "Accounts").
        _(
            "Check that your details are right: if the email address was not already "
            "registered, your account has been created. Log in with your email address "
            "and password."
        ),
        lambda _user: url_for("accounts.login", next=safe_next(request.args.get("next"))),
    )
    return done or form_page("accounts/register.html", form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    """Show and change the logged-in user's profile and memberships."""
    user = current_actor()
    form = ProfileForm(obj=user)
    done = submit_form(
        form,
        lambda: services.update_profile(
            user, form.name.data, email_notifications=form.email_notifications.data
        ),
        _("Your profile has been saved."),
        lambda _user: url_for("accounts.profile"),
    )
    return done or form_page("accounts/profile.html", form, user=user, everywhere_form=EmptyForm())


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    """End every login session of the logged-in user, this one included."""
    if not button_change(
        lambda: services.end_sessions(current_actor()),
        _("You are logged out everywhere. Your API tokens still work until you revoke them."),
    ):
        return redirect(url_for("accounts.profile"))
    session.pop(LOGIN_SESSION_KEY, None)
    logout_user()
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@rate_limited("password_change")
@login_required
def change_password():
    """Change the logged-in user's password; every other login session of the user ends."""
    form = PasswordForm()
    done = submit_form(
        form,
        lambda: services.change_password(
            current_actor(),
            form.current_password.data,
            form.new_password.data,
            keep_session=session.get(LOGIN_SESSION_KEY),
        ),
        _("Your password has been changed."),
        lambda _none: url_for("accounts.profile"),
    )
    return done or form_page("accounts/password.html", form)
