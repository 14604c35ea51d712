"""Service-layer exceptions and the one place that turns errors into HTML or JSON responses."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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


def wants_json() -> bool:
    """Tell whether the current request should get a JSON error body."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _error_response(code: int, name: str, message: str, errors: Mapping | None = None):
    if wants_json():
        body: dict[str, object] = {"code": code, "status": name, "message": message}
        if errors:
            body["errors"] = dict(errors)
        return jsonify(body), code
    return render_template("errors/error.html", code=code, name=name, message=message), code


def register_error_handlers(app: Flask) -> None:
    """Answer every error in the site's layout, or as JSON under /api/."""

    titles = {
        400: lambda: _("Bad request"),
        401: lambda: _("Please log in"),
        403: lambda: _("Access denied"),
        404: lambda: _("Page not found"),
        405: lambda: _("Method not allowed"),
        413: lambda: _("The request is too large"),
        422: lambda: _("Invalid input"),
        429: lambda: _("Too many requests"),
        500: lambda: _("Something went wrong"),
    }

    def title_for(code: int, default: str) -> str:
        return titles[code]() if code in titles else default

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

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        code = error.code or 500
        if wants_json():
            response, status = _error_response(
                code, title_for(code, error.name), error.description or ""
            )
        else:
            response, status = _error_response(code, title_for(code, error.name), "")
        if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response = app.make_response((response, status))
            response.headers["Allow"] = ", ".join(error.valid_methods)
            return response
        return response, status

    @app.errorhandler(Exception)
    def handle_unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _error_response(500, title_for(500, "Internal Server Error"), "")
