"""Who calls the API: a bearer token, a browser session, or nobody; and what they may do."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from apispec import BasePlugin
from flask import current_app, g, request
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort
from flask_wtf.csrf import CSRFError

from portal.accounts.models import User
from portal.core.actor import current_actor
from portal.extensions import csrf
from portal.tokens.models import ApiToken

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def current_token() -> ApiToken | None:
    """Return the token that authenticated this request, if one did."""
    return g.get("api_token")


def _unauthorized(message: str, error: str | None = None) -> None:
    challenge = 'Bearer realm="portal"' + (f', error="{error}"' if error else "")
    abort(401, message=message, headers={"WWW-Authenticate": challenge})


def authenticate_api_request() -> None:
    """Authenticate an /api/ request by its bearer token; check CSRF for cookie-based writes."""
    from portal.tokens.services import authenticate_token

    g.api_token = None
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _sep, credentials = header.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            _unauthorized(_("Send the token as: Authorization: Bearer <token>."), "invalid_request")
        token = authenticate_token(credentials.strip())
        if token is None:
            _unauthorized(_("The token is invalid, expired or revoked."), "invalid_token")
        g.api_token = token
        # Flask-Login's per-request user: the token's user, whatever the session says, and the
        # session is neither read nor written.
        g._login_user = token.user
        return
    if (
        request.method not in SAFE_METHODS
        and current_app.config.get("WTF_CSRF_ENABLED", True)
        and current_actor() is not None
    ):
        # A browser session rides along with any request, so a cookie-authenticated write must
        # prove it comes from our own pages (X-CSRFToken header); token clients need not.
        try:
            csrf.protect()
        except CSRFError:
            abort(400, message=_("Missing or invalid CSRF token (send it as X-CSRFToken)."))


def require_user() -> User:
    """Return the authenticated user, or answer 401."""
    user = current_actor()
    if user is None:
        _unauthorized(_("Authentication required: send Authorization: Bearer <token>."))
    return user


_AUTH_DOC = Blueprint.doc(
    security=[{"bearerAuth": []}, {"cookieAuth": []}],
    responses={401: "UNAUTHORIZED"},
)


def authenticated(view: F) -> F:
    """Let only authenticated callers (token of any scope, or session) in; else 401."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_user()
        return view(*args, **kwargs)

    return _AUTH_DOC(wrapper)  # type: ignore[return-value]


def is_api_write() -> bool:
    """Whether this request reaches an API route that changes something (any method but GET,
    HEAD and OPTIONS). A request that matched no route keeps its 404 or 405."""
    return (
        request.method not in SAFE_METHODS
        and request.url_rule is not None
        and request.routing_exception is None
    )


def require_write_access() -> None:
    """Guard every API write: 401 unless authenticated, 403 for a read-only token.

    Called for every API write from one before_request hook (portal/api/hooks.py), so that no
    write can forget it; it runs before the body is parsed. Cookie-authenticated writes have
    already passed the CSRF check in `authenticate_api_request`. The permission rules
    themselves stay in the services. Rate limiting of writes comes with Flask-Limiter in its
    own issue.
    """
    require_user()
    token = current_token()
    if token is not None and not token.can_write:
        abort(403, message=_("This token may only read. Create one that allows writes."))


class WriteAccessPlugin(BasePlugin):
    """Document on every API write what `require_write_access` does for it: who may call it
    (bearer token or session) and its 401 and 403 answers.

    A plugin rather than a decorator, like the guard itself: a write added later is documented
    without anyone remembering to.
    """

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            if method.upper() in SAFE_METHODS:
                continue
            operation.setdefault("security", [{"bearerAuth": []}, {"cookieAuth": []}])
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", "UNAUTHORIZED")
            responses.setdefault("403", "FORBIDDEN")
