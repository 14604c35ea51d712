"""Small rules every service shares: who must be logged in, what a refusal says, what a
required field answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from portal.errors import NotAuthorized

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


def require_text(errors: dict[str, list[str]], field: str, value: str | None) -> None:
    """Record "this field is required" for an empty text field."""
    if not (value or "").strip():
        errors[field] = [_("This field is required.")]
