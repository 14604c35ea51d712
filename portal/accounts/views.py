"""Register, log in, log out, profile and password pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from portal.accounts import services
from portal.accounts.forms import LoginForm, PasswordForm, ProfileForm, RegistrationForm
from portal.core.actor import current_actor
from portal.core.forms import apply_service_errors
from portal.core.urls import safe_next
from portal.errors import ValidationError

bp = Blueprint("accounts", __name__)


@bp.route("/auth/login", methods=["GET", "POST"])
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
def register():
    """Create an account."""
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(form.email.data, form.name.data, form.password.data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            login_user(user)
            flash(_("Welcome! Your account has been created."), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("accounts.profile"))
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
