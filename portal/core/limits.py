"""Abuse limits (Flask-Limiter): named limits that views opt into with one decorator.

A view says which limits apply to it::

    @bp.route("/auth/login", methods=["GET", "POST"])
    @rate_limited("login", "login_pair")
    def login(): ...

and every JSON API route under /api/ that accepts POST, PUT, PATCH or DELETE gets the
"api_write" limit automatically. Only state-changing methods are counted, so reading a form
never uses up the allowance for sending it. A name's counter is shared by every view that uses
it. Each limit is a Flask-Limiter string ("10 per minute; 100 per hour") read from the config
key ``RATELIMIT_<NAME>`` (settable in the environment), so operators can change it.

The counters live in memory (one set per process) unless ``RATELIMIT_STORAGE_URI`` names a
shared storage such as ``redis://127.0.0.1:6379/0``; with several gunicorn workers use Redis,
or each worker counts on its own. ``RATELIMIT_ENABLED=0`` turns every limit off (the tests do,
except those that prove the limits).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

F = TypeVar("F", bound=Callable)

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
API_PREFIX = "/api/"
_MARK = "_portal_rate_limits"
_APPLIED = "_portal_rate_limits_applied"


def _client_address() -> str:
    return f"ip:{get_remote_address()}"


def _user_or_address() -> str:
    """Count per account when someone is logged in (or authenticated by token), else per IP."""
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.get_id()}"
    return _client_address()


def _submitted_email_and_address() -> str:
    """The account tried and the address trying it, as one key."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"email:{email}|{_client_address()}"


def _failed(response) -> bool:
    return response.status_code >= 400


@dataclass(frozen=True)
class NamedLimit:
    default: str
    key: Callable[[], str]
    # Count a request only when this is true of its response (None: count every request).
    deduct_when: Callable | None = None

    @staticmethod
    def config_key(name: str) -> str:
        return f"RATELIMIT_{name.upper()}"


LIMITS: dict[str, NamedLimit] = {
    # Guessing passwords from one address.
    "login": NamedLimit("10 per minute; 100 per hour", _client_address),
    # Guessing one account's password: failed attempts per (account, address) pair are slowed
    # down, ever more the more there are. Not per account alone: then failures from anywhere
    # would lock the owner out of their own account, even from their own fresh address. An
    # attacker with many addresses gets this allowance per address (and "login" per address),
    # which is why the passwords themselves must be hard to guess (portal/accounts/passwords.py).
    "login_pair": NamedLimit(
        "5 per minute; 20 per hour; 50 per day", _submitted_email_and_address, deduct_when=_failed
    ),
    # Creating accounts in bulk (generous: a whole office behind one address may register).
    "registration": NamedLimit("20 per hour", _client_address),
    # Guessing the current password with a stolen session.
    "password_change": NamedLimit("10 per hour", _user_or_address),
    # API tokens (applied by the API with @rate_limited("token_creation")).
    "token_creation": NamedLimit("10 per hour", _user_or_address),
    # Every write through the JSON API (applied automatically to /api/ write routes).
    "api_write": NamedLimit("120 per minute", _user_or_address),
}


def rate_limited(*names: str) -> Callable[[F], F]:
    """Mark a view function (or a MethodView class) as subject to the named limits."""
    unknown = [name for name in names if name not in LIMITS]
    if unknown:
        raise ValueError(f"unknown rate limit(s): {', '.join(unknown)}")

    def mark(view: F) -> F:
        setattr(view, _MARK, tuple(getattr(view, _MARK, ())) + tuple(names))
        return view

    return mark


def _limit_value(name: str) -> Callable[[], str]:
    key = NamedLimit.config_key(name)
    return lambda: current_app.config[key]


def limit_names_for(app: Flask, endpoint: str) -> list[str]:
    """Which named limits apply to an endpoint (marked ones, plus api_write for API writes)."""
    view = app.view_functions[endpoint]
    names = list(getattr(view, _MARK, ()))
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        names += getattr(view_class, _MARK, ())
    for rule in app.url_map.iter_rules(endpoint):
        if rule.rule.startswith(API_PREFIX) and set(rule.methods or ()) & set(WRITE_METHODS):
            names.append("api_write")
    return list(dict.fromkeys(names))


def apply_rate_limits(app: Flask) -> None:
    """Wrap every view that has named limits (idempotent: call again after adding routes)."""
    limiter: Limiter | None = app.extensions.get("portal_limiter")
    if limiter is None:
        return
    for endpoint in list(app.view_functions):
        view = app.view_functions[endpoint]
        if getattr(view, _APPLIED, False):
            continue
        wrapped = view
        for name in limit_names_for(app, endpoint):
            spec = LIMITS[name]
            wrapped = limiter.shared_limit(
                _limit_value(name),
                scope=name,
                key_func=spec.key,
                methods=list(WRITE_METHODS),
                deduct_when=spec.deduct_when,
            )(wrapped)
        if wrapped is not view:
            setattr(wrapped, _APPLIED, True)
            app.view_functions[endpoint] = wrapped


def init_limits(app: Flask) -> None:
    """Create this app's limiter (one per app, so test apps do not share counters)."""
    for name, spec in LIMITS.items():
        key = NamedLimit.config_key(name)
        app.config.setdefault(key, os.environ.get(key, spec.default))
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "portal")
    if not app.config["RATELIMIT_ENABLED"]:
        return
    limiter = Limiter(key_func=_client_address)
    limiter.init_app(app)
    app.extensions["portal_limiter"] = limiter
    apply_rate_limits(app)


def reset_limits(app: Flask) -> None:
    """Forget every counter (for tests and operators)."""
    limiter: Limiter | None = app.extensions.get("portal_limiter")
    if limiter is not None:
        limiter.reset()
