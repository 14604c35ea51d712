"""Who is acting: the logged-in user, or None for an anonymous visitor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_login import current_user

if TYPE_CHECKING:  # core never imports a feature package when it loads
    from portal.accounts.models import User


def current_actor() -> User | None:
    """Return the logged-in user, or None for anonymous visitors."""
    user = current_user._get_current_object() if current_user else None
    if user is None or not user.is_authenticated:
        return None
    return user
