"""Small rules every service shares: who must be logged in, what a refusal says, what a
required field answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from portal.errors import NotAuthorized, ValidationError

if TYPE_CHECKING:  # core never imports a feature package when it loads
    from portal.accounts.models import User


def require_login(actor: User | None) -> User:
    """The acting user; anonymous visitors are refused."""
    if actor is None:
        raise NotAuthorized(_("Log in first."))
    return actor


def forbidden() -> NotAuthorized:
    """The refusal every service gives a user without the right role."""
    return NotAuthorized(_("You do not have permission to do this."))


def require_permission(actor: User | None, allowed: Callable[..., bool], *args: object) -> User:
    """The acting user, when `allowed(actor, *args)`: anonymous visitors are asked to log in,
    others without the right role refused."""
    actor = require_login(actor)
    if not allowed(actor, *args):
        raise forbidden()
    return actor


def raise_field_errors(errors: dict[str, list[str]]) -> None:
    """Refuse input that has field errors, with the message every form shows above them."""
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)


def require_text(errors: dict[str, list[str]], field: str, value: str | None) -> None:
    """Record "this field is required" for an empty text field."""
    if not (value or "").strip():
        errors[field] = [_("This field is required.")]
