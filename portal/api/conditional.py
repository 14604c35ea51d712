"""Optimistic concurrency for API writes: If-Match on PUT and PATCH, ETags on their answers.

A resource's ETag is the one its GET answers (a hash of the JSON body, portal/api/hooks.py).
A PUT or PATCH that sends `If-Match` goes ahead only if that is still the resource's ETag;
otherwise it gets 412 and changes nothing, so an edit based on an old copy never overwrites a
newer one unseen. Without `If-Match` a write goes ahead as before. The check renders the
resource as its GET would, inside the write's own transaction and after taking the resource's
write lock (`hold_name`: an advisory lock on PostgreSQL, the write lock SQLite's IMMEDIATE
transactions already hold), so nothing can change between the check and the write.

One hook covers every PUT and PATCH whose URL also answers GET; a new resource needs nothing.
"""

from __future__ import annotations

from apispec import BasePlugin
from flask import Flask, Response, current_app, request
from flask_babel import gettext as _
from flask_smorest import abort
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.http import generate_etag

from portal.core.database import hold_name

CONDITIONAL_METHODS = frozenset({"PUT", "PATCH"})

IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of the resource as you read it (from its GET). The write goes "
    "ahead only if the resource has not changed since; otherwise 412 and nothing changes. "
    "Without this header the write goes ahead whatever changed. A successful write answers "
    "with the resource's new ETag.",
    "schema": {"type": "string"},
}


def _current_representation() -> Response | None:
    """The answer a GET of this request's URL would give now (None: the URL has no GET)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, args = adapter.match(request.path, method="GET")
    except (MethodNotAllowed, NotFound):
        return None
    view = current_app.view_functions[endpoint]
    return current_app.make_response(current_app.ensure_sync(view)(**args))


def current_etag() -> str | None:
    response = _current_representation()
    if response is None or response.status_code != 200:
        return None
    return generate_etag(response.get_data())


def check_if_match() -> None:
    """Take the resource's write lock; answer 412 if If-Match names an older version."""
    hold_name(request.path)
    if "If-Match" not in request.headers or request.if_match.star_tag:
        return
    etag = current_etag()
    if etag is None or not request.if_match.contains(etag):
        abort(
            412,
            message=_(
                "The resource has changed since you read it: If-Match does not name its "
                "current ETag. Read it again (GET), apply your change and send the new ETag."
            ),
            headers={"ETag": f'"{etag}"'} if etag else {},
        )


def init_conditional_writes(app: Flask, prefix: str) -> None:
    @app.before_request
    def if_match() -> None:
        if (
            request.path.startswith(prefix)
            and request.method in CONDITIONAL_METHODS
            and request.url_rule is not None
        ):
            check_if_match()

    @app.after_request
    def etag_of_written(response: Response) -> Response:
        if (
            request.path.startswith(prefix)
            and request.method in CONDITIONAL_METHODS
            and response.status_code == 200
            and response.is_json
        ):
            response.add_etag()
        return response


class ConditionalWritePlugin(BasePlugin):
    """Document If-Match and its 412 on every PUT and PATCH (see above)."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            if method.upper() not in CONDITIONAL_METHODS:
                continue
            operation.setdefault("parameters", []).append(IF_MATCH)
            operation.setdefault("responses", {})["412"] = "PRECONDITION_FAILED"
