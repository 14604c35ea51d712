"""Service-layer exceptions and the one place that turns errors into HTML or JSON responses."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from portal.core.stock_messages import translate_errors
from portal.extensions import db


class ServiceError(Exception):
    """Base class for the few errors a service may raise."""

    status_code = 400

    def __init__(self, message: str = "", errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


class NotFound(ServiceError):
    """The thing does not exist, or the current user may not know that it exists."""

    status_code = 404


class NotAuthorized(ServiceError):
    """The current user may not do this."""

    status_code = 403


class ValidationError(ServiceError):
    """The input breaks a rule; `errors` names the fields."""

    status_code = 422


class PayloadTooLarge(ServiceError):
    """The input (an uploaded file) is larger than the portal takes."""

    status_code = 413


class UnsupportedMediaType(ServiceError):
    """The input (an uploaded file) is of a type the portal does not take."""

    status_code = 415


class EditConflict(ValidationError):
    """An edit form was loaded from a version that someone else has replaced since.

    The object the service was given holds the newer version (reloaded), and
    `current_version` is its version token, for the form that is shown again."""

    def __init__(self, message: str, current_version: str) -> None:
        super().__init__(message)
        self.current_version = current_version


def wants_json() -> bool:
    """Tell whether the current request should get a JSON error body."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _http_phrase(code: int, default: str) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return default


def _error_response(code: int, name: str, message: str, errors: Mapping | None = None):
    if wants_json():
        # Machine clients get the standard English reason phrase; `message` is for people.
        body: dict[str, object] = {"code": code, "status": _http_phrase(code, name)}
        body["message"] = message
        if errors:
            body["errors"] = dict(errors)
        return jsonify(body), code
    return render_template("errors/error.html", code=code, name=name, message=message), code


_TITLES = {
    400: lambda: _("Bad request"),
    401: lambda: _("Please log in"),
    403: lambda: _("Access denied"),
    404: lambda: _("Page not found"),
    405: lambda: _("Method not allowed"),
    409: lambda: _("Changed at the same time"),
    413: lambda: _("The request is too large"),
    415: lambda: _("Unsupported file type"),
    422: lambda: _("Invalid input"),
    429: lambda: _("Too many requests"),
    500: lambda: _("Something went wrong"),
}


def title_for(code: int, default: str) -> str:
    return _TITLES[code]() if code in _TITLES else default


def _flatten_messages(messages: Mapping) -> dict:
    """Turn webargs' {location: {field: [...]}} into {field: [...]}, like a service's errors."""
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, Mapping):
            for name, problems in fields.items():
                flat.setdefault(str(name), problems)
        else:
            flat.setdefault(str(location), fields)
    return flat


def handle_http_exception(error: HTTPException):
    """Answer an HTTP error (also flask-smorest's and webargs' ones) as a page or JSON."""
    code = error.code or 500
    if code == 304:
        return Response(status=304)
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or _flatten_messages(data.get("messages") or {})
    if wants_json():
        errors = translate_errors(errors)
        # Werkzeug's stock descriptions are English: answer its translated title instead.
        stock = error.description == type(error).description
        described = title_for(code, error.name) if stock else error.description
        message = data.get("message") or (
            _("Some fields are invalid; see errors.") if errors else described or ""
        )
        response, status = _error_response(code, title_for(code, error.name), message, errors)
    else:
        response, status = _error_response(code, title_for(code, error.name), "")
    response = current_app.make_response((response, status))
    response.headers.update(data.get("headers") or {})
    if code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def register_error_handlers(app: Flask) -> None:
    """Answer every error in the site's layout, or as JSON under /api/."""

    @app.errorhandler(ServiceError)
    def handle_service_error(error: ServiceError):
        db.session.rollback()
        code = error.status_code
        return _error_response(code, title_for(code, "Error"), error.message, error.errors)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        return _error_response(
            400, title_for(400, "Bad request"), _("The form has expired. Reload it and try again.")
        )

    app.register_error_handler(HTTPException, handle_http_exception)

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(error: IntegrityError):
        # A unique constraint decided between two requests that did the same thing at once
        # (two backings of one need by one organisation): the loser is told, not a 500.
        db.session.rollback()
        app.logger.info("Integrity conflict on %s %s: %s", request.method, request.path, error)
        return _error_response(
            409,
            title_for(409, "Conflict"),
            _("This was changed at the same time by another request. Reload and check."),
        )

    @app.errorhandler(Exception)
    def handle_unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _error_response(500, title_for(500, "Internal Server Error"), "")
