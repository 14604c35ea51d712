"""Register, log in, log out, profile and password pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from portal.accounts import services
from portal.accounts.forms import LoginForm, PasswordForm, ProfileForm, RegistrationForm
from portal.core.actor import current_actor
from portal.core.forms import apply_service_errors
from portal.core.limits import rate_limited
from portal.core.urls import safe_next
from portal.errors import ValidationError

bp = Blueprint("accounts", __name__)


@bp.route("/auth/login", methods=["GET", "POST"])
@rate_limited("login", "login_account")
def login():
    """Log in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("core.home"))
        form.form_errors.append(_("Wrong email or password."))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/auth/logout")
def logout():
    """Log out."""
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("core.home"))


@bp.route("/auth/register", methods=["GET", "POST"])
@rate_limited("registration")
def register():
    """Create an account, answering the same whether or not the address is taken."""
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            services.register_if_new(form.email.data, form.name.data, form.password.data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            # The same answer for a new and a taken address, so that the page does not reveal
            # who has an account: the newcomer logs in next (see the README, "Accounts").
            flash(
                _(
                    "Check that your details are right: if the email address was not already "
                    "registered, your account has been created. Log in with your email address "
                    "and password."
                ),
                "success",
            )
            return redirect(url_for("accounts.login", next=safe_next(request.args.get("next"))))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    """Show and change the logged-in user's profile and memberships."""
    user = current_actor()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        try:
            services.update_profile(user, form.name.data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/profile.html", form=form, user=user), status


@bp.route("/account/password", methods=["GET", "POST"])
@rate_limited("password_change")
@login_required
def change_password():
    """Change the logged-in user's password."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_actor(), form.current_password.data, form.new_password.data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/password.html", form=form), status
