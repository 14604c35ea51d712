"""URL helpers."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def object_url(endpoint: str, **params: str) -> Callable[[object], str]:
    """The URL of an object's page: each keyword names the route parameter and the
    object's attribute that fills it, e.g. object_url("orgs.show", slug="slug")."""
    return lambda obj: url_for(
        endpoint, **{name: getattr(obj, attr) for name, attr in params.items()}
    )


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a local path on this site, else None (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def path_for(endpoint: str, **values: object) -> str:
    """A path on the portal (e.g. /needs/12), also outside a request (CLI commands, mail)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)
