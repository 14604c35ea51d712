"""Per-request manners of the API: authentication, the write guard, conditional GET, CORS for
public reads."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_babel import get_locale

from portal.api.auth import authenticate_api_request, is_api_write, require_write_access
from portal.core.actor import current_actor

API_PATH = "/api/"


def init_api_hooks(app: Flask) -> None:
    @app.before_request
    def api_authentication() -> None:
        if request.path.startswith(API_PATH):
            authenticate_api_request()
            # Write access is the default for every API write, not a decorator to remember.
            if is_api_write():
                require_write_access()

    @app.after_request
    def api_manners(response: Response) -> Response:
        if not request.path.startswith(API_PATH):
            return response
        response.vary.add("Authorization")
        response.vary.add("Cookie")
        # Messages follow Accept-Language (portal/core/i18n.py); say which language they are in.
        response.vary.add("Accept-Language")
        response.headers["Content-Language"] = str(get_locale())
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            if not response.get_etag()[0] and not response.is_streamed:
                response.add_etag()
            # Answers 304 for a matching If-None-Match, or an If-Modified-Since not older than
            # Last-Modified (If-None-Match wins when both are sent, per RFC 9110).
            response.make_conditional(request)
        anonymous = g.get("api_token") is None and current_actor() is None
        if request.method in ("GET", "HEAD") and anonymous:
            # Public data is for reuse from any site; no credentials are involved, so `*`.
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link"
        elif (
            request.method == "OPTIONS"
            and request.headers.get("Access-Control-Request-Method") in ("GET", "HEAD")
            and "GET" in response.headers.get("Allow", "")
        ):
            # Preflight of a conditional read; Authorization is deliberately not allowed.
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD"
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            response.headers["Access-Control-Max-Age"] = "86400"
        return response
