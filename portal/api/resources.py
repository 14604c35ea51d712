"""Route builders for the shapes every API resource repeats: a blueprint under /api/v1, a list
with its CSV twin, a single resource with Last-Modified, and a write on the resource a URL names.

Each builder registers an ordinary flask-smorest view with the name and docstring it is given,
so endpoints, URLs and the OpenAPI document read as if each handler were written out by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from types import ModuleType
from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from portal.api.common import (
    CSV_MAX_ROWS,
    LINK_HEADER,
    api_write,
    csv_args,
    csv_dialect,
    last_modified,
    paginated,
)
from portal.core.csv_export import Columns, csv_response

ERROR_RESPONSES = {404: "NOT_FOUND", 422: "UNPROCESSABLE_ENTITY"}


class ApiBlueprint(Blueprint):
    """A flask-smorest Blueprint whose operations Swagger UI shows under a human `tag`
    ("Action plans") rather than the blueprint's Flask name ("api_plans")."""

    def __init__(self, *args: Any, tag: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tag = tag

    def add_url_rule(self, rule, endpoint=None, view_func=None, *args, tags=None, **options):
        super().add_url_rule(rule, endpoint, view_func, *args, tags=tags or [self.tag], **options)


def api_blueprint(
    name: str, import_name: str, description: str, prefix: str = "", *, tag: str
) -> ApiBlueprint:
    """The blueprint of one API resource, under /api/v1 (and `prefix`), documented under `tag`
    with `description` in Swagger UI."""
    return ApiBlueprint(
        name, import_name, url_prefix=f"/api/v1{prefix}", description=description, tag=tag
    )


def _named(view: Callable, name: str, doc: str) -> Callable:
    # flask-smorest reads the summary from the docstring and Flask the endpoint from the name.
    view.__name__ = view.__qualname__ = name
    view.__doc__ = doc
    return view


def _errors(view: Callable, blp: Blueprint, errors: Sequence[int]) -> Callable:
    for code in reversed(errors):
        view = blp.alt_response(code, response=ERROR_RESPONSES[code])(view)
    return view


def collection_routes(
    blp: Blueprint,
    path: str,
    filter_schema: type[ma.Schema],
    page_schema: type[ma.Schema],
    columns: Columns,
    services: ModuleType,
) -> Callable:
    """Register GET `path` (a page of `page_schema` with Link headers) and GET `path`.csv (at
    most CSV_MAX_ROWS rows of `columns`), both filtered by `filter_schema`'s query arguments.

    The decorated function turns those arguments into the feature's filter, and its docstring
    is the list's summary. `services` is the feature's service module, whose `list_<name>` and
    `export_<name>` (`name` the path's last part) answer the page and the CSV rows."""
    name = path.rsplit("/", 1)[-1]
    list_page = getattr(services, f"list_{name}")
    export_rows = getattr(services, f"export_{name}")

    def register(filters: Callable[[dict], Any]) -> Callable[[dict], Any]:
        def list_view(args: dict):
            return paginated(list_page(filters(args), args["page"], args["per_page"]))

        def csv_view(args: dict):
            rows = export_rows(filters(args), CSV_MAX_ROWS)
            return csv_response(columns, rows, f"{name}.csv", csv_dialect(args))

        list_view = _named(list_view, f"list_{name}", filters.__doc__ or "")
        list_view = blp.response(200, page_schema, headers={"Link": LINK_HEADER})(list_view)
        blp.route(path)(blp.arguments(filter_schema, location="query")(list_view))
        csv_doc = f"Download the same list as CSV (at most {CSV_MAX_ROWS} rows; `dialect`)."
        csv_view = _named(csv_view, f"export_{name}", csv_doc)
        csv_view = blp.response(200, {"type": "string"}, content_type="text/csv")(csv_view)
        blp.route(f"{path}.csv")(blp.arguments(csv_args(filter_schema), location="query")(csv_view))
        return filters

    return register


def item_route(blp: Blueprint, rule: str, schema: type[ma.Schema]) -> Callable:
    """Register the decorated handler as GET `rule`: it finds the object the URL names, which
    is answered with its Last-Modified (404 documented)."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(handler)
        def view(**ids: Any):
            found = handler(**ids)
            return found, 200, last_modified(found.updated_at)

        blp.route(rule)(blp.response(200, schema)(_errors(view, blp, (404,))))
        return handler

    return register


def write_route(
    blp: Blueprint,
    rule: str,
    schema: type[ma.Schema],
    *,
    load: Callable[..., Any],
    body: type[ma.Schema] | None = None,
    method: str = "POST",
    status: int = 200,
    errors: Sequence[int] = (404, 422),
    answer: Callable[[Any, Any], Any] | None = None,
) -> Callable:
    """Register the decorated handler as `method` `rule`, a write on the object the URL names.

    `load` finds that object from the URL's ids; the handler gets the request `body` (when there
    is one) and the object, and calls the write service; the answer is what the handler
    returns, or `answer(object, returned)`. Status transitions (publish, archive, ...) are such
    writes."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(handler)
        def view(*data: dict, **ids: Any):
            target = load(**ids)
            result = handler(*data, target)
            return answer(target, result) if answer else result

        routed = blp.response(status, schema)(_errors(view, blp, errors))
        if body is not None:
            routed = blp.arguments(body)(routed)
        blp.route(rule, methods=[method])(routed)
        return handler

    return register


def transition_route(
    blp: Blueprint,
    rule: str,
    schema: type[ma.Schema],
    *,
    name: str,
    doc: str,
    service: Callable[..., Any],
    **options: Any,
) -> None:
    """Register POST `rule`, a write_route whose handler calls `service` on the object the URL
    names and nothing else (publish, archive, reopen, ...)."""

    def handler(target: Any) -> Any:
        return api_write(service, target)

    write_route(blp, rule, schema, **options)(_named(handler, name, doc))
