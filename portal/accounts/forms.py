"""HTML forms for accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from portal.accounts.models import EmailNotifications
from portal.accounts.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from portal.core.forms import PortalForm, label_choices


class LoginForm(PortalForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )


def _name_field() -> StringField:
    return StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


def _new_password_field(label: str) -> PasswordField:
    """A password being chosen, held to the same length rule as the service."""
    return PasswordField(
        label,
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l(
            "At least 10 characters; not a common password, your name or email address, "
            "a repeated character or a run like 1234567890."
        ),
    )


def _repeat_field(label: str, of: str) -> PasswordField:
    return PasswordField(
        label, validators=[DataRequired(), EqualTo(of, message=_l("The passwords differ."))]
    )


class RegistrationForm(PortalForm):
    name = _name_field()
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    password = _new_password_field(_l("Password"))
    confirm = _repeat_field(_l("Repeat password"), of="password")


EMAIL_NOTIFICATION_LABELS = {
    EmailNotifications.IMMEDIATELY: _l("Immediately, one mail for each"),
    EmailNotifications.DAILY: _l("A daily summary"),
    EmailNotifications.WEEKLY: _l("A weekly summary"),
    EmailNotifications.NEVER: _l("Never"),
}


class ProfileForm(PortalForm):
    name = _name_field()
    email_notifications = SelectField(
        _l("Email me my notifications"),
        choices=label_choices(EMAIL_NOTIFICATION_LABELS),
        validators=[DataRequired()],
    )


class PasswordForm(PortalForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = _new_password_field(_l("New password"))
    confirm = _repeat_field(_l("Repeat new password"), of="new_password")
