"""One structured (JSON) log line per request, with nothing secret in it."""

from __future__ import annotations

import json
import logging
import sys
import time

from flask import Flask, Response, g, request

logger = logging.getLogger("portal.requests")


def _user_id() -> int | str | None:
    # Only report a user that the request has already loaded: never load one just to log it.
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return user.get_id()
    return None


def request_record(status: int) -> dict[str, object]:
    """Describe the current request for the log."""
    started = g.get("_request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else None
    return record(request.method, request.path, status, duration, _user_id(), request.remote_addr)


def record(
    method: str,
    path: str,
    status: int,
    duration_ms: float | None,
    user_id: int | str | None,
    remote_addr: str | None,
    **extra: object,
) -> dict[str, object]:
    """One log record. Only the path is logged, never the query string (it may carry a token or
    a search for a person), the body (passwords) or any header (cookies, Authorization)."""
    return {
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": round(duration_ms, 1) if duration_ms is not None else None,
        "user_id": user_id,
        "remote_addr": remote_addr,
        **extra,
    }


def log_request_record(*args: object, **extra: object) -> None:
    """Write one request's record (see `record`) as a JSON line."""
    logger.info(json.dumps(record(*args, **extra), sort_keys=True))  # type: ignore[arg-type]


def init_request_logging(app: Flask) -> None:
    """Log every request once, after its response is made (errors included)."""
    if not logger.handlers and not app.testing:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    @app.before_request
    def start_timer() -> None:
        g._request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        logger.info(json.dumps(request_record(response.status_code), sort_keys=True))
        return response
