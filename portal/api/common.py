"""Pieces every API resource uses: schemas for errors and pages, text fields, Link headers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import marshmallow as ma
from apispec import BasePlugin
from flask import request, url_for
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import fields, validate
from werkzeug.http import http_date

from portal.api.auth import require_user
from portal.core.boundary import MAX_ID, has_forbidden_characters
from portal.core.csv_export import COMMA, DIALECTS, CsvDialect, dialect_named
from portal.core.pagination import MAX_PER_PAGE, Page
from portal.errors import NotFound, ValidationError
from portal.orgs.models import Organisation, OrganisationKind
from portal.orgs.services import get_organisation
from portal.tokens.models import as_utc


class ErrorSchema(ma.Schema):
    """Every error answer under /api/ has this shape."""

    code = fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    status = fields.String(required=True, metadata={"description": "The HTTP reason phrase."})
    message = fields.String(metadata={"description": "What went wrong, for people."})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        metadata={"description": "For 422: each invalid field with its problems."},
    )


def _no_control_characters(value: str) -> None:
    # NUL and lone surrogates cannot be stored (PostgreSQL refuses them): a 422, never a 500.
    if has_forbidden_characters(value):
        raise ma.ValidationError("Contains characters that are not allowed.")


def text_field(max_length: int, **kwargs: Any) -> fields.String:
    """A string field limited in length and free of characters a database refuses."""
    return fields.String(
        validate=[validate.Length(max=max_length), _no_control_characters], **kwargs
    )


class QueryArgsSchema(ma.Schema):
    """Query strings ignore unknown parameters (cache busters and the like)."""

    class Meta:
        unknown = ma.EXCLUDE


class PaginationArgsSchema(QueryArgsSchema):
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1),
        metadata={"description": "Page number, from 1."},
    )
    per_page = fields.Integer(
        load_default=20,
        validate=validate.Range(min=1),
        metadata={"description": f"Items per page; more than {MAX_PER_PAGE} means {MAX_PER_PAGE}."},
    )


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """Build the envelope schema {items, page, per_page, total} for a list of `item_schema`."""
    return ma.Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True, metadata={"description": "All matching items."}),
        },
        name=name,
    )


def _page_url(number: int) -> str:
    args = request.args.to_dict()
    args["page"] = number
    return url_for(request.endpoint, **(request.view_args or {}), **args, _external=True)


def paginated(page: Page) -> tuple[dict, int, dict]:
    """Answer a page as the envelope with Link headers to the neighbouring pages.

    Lists carry an ETag but no Last-Modified: an item leaving the list changes no timestamp.
    """
    links = [f'<{_page_url(1)}>; rel="first"', f'<{_page_url(page.pages)}>; rel="last"']
    if page.has_prev:
        links.append(f'<{_page_url(min(page.page - 1, page.pages))}>; rel="prev"')
    if page.has_next:
        links.append(f'<{_page_url(page.page + 1)}>; rel="next"')
    headers = {"Link": ", ".join(links)}
    body = {"items": page.items, "page": page.page, "per_page": page.per_page, "total": page.total}
    return body, 200, headers


def last_modified(moment: datetime) -> dict[str, str]:
    """Return the Last-Modified header for a single resource changed at `moment`."""
    return {"Last-Modified": http_date(as_utc(moment))}


LINK_HEADER = {
    "description": "RFC 8288 links to the first, last, previous and next pages "
    '(rel="first", "last", "prev", "next").',
    "schema": {"type": "string"},
}

IF_MODIFIED_SINCE = {
    "name": "If-Modified-Since",
    "in": "header",
    "required": False,
    "description": "Answer 304 without a body if nothing changed since then.",
    "schema": {"type": "string"},
}


class ConditionalGetPlugin(BasePlugin):
    """Document on every GET what portal/api/hooks.py does for it: ETag and conditional GET.

    A plugin rather than a decorator, so that endpoints added later are documented too (and
    flask-smorest's manual doc would replace, not extend, the parameter list).
    """

    def operation_helper(self, path=None, operations=None, **kwargs):
        operation = (operations or {}).get("get")
        if operation is None:
            return
        operation.setdefault("parameters", []).extend(["IF_NONE_MATCH", IF_MODIFIED_SINCE])
        operation.setdefault("responses", {})["304"] = "NOT_MODIFIED"


class UtcDateTime(fields.DateTime):
    """An ISO 8601 timestamp with its UTC offset (SQLite hands back naive UTC values)."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any):
        return super()._serialize(as_utc(value), attr, obj, **kwargs)


CSV_MAX_ROWS = 10_000


# --- pieces every resource uses ----------------------------------------------------------------


def check_id(value: int, message: str) -> int:
    """Ids beyond the database's integer range exist nowhere: 404, never a database error."""
    if value > MAX_ID:
        abort(404, message=message)
    return value


T = TypeVar("T")
R = TypeVar("R")


def load(get: Callable[[int], T], object_id: int, missing: str) -> T:
    """Load the object a URL names through its feature's service (`get`, which raises NotFound
    or NotAuthorized itself); an id beyond the database's range is a 404 with `missing`."""
    return get(check_id(object_id, missing))


def api_write(service: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """Call a write service as the authenticated caller and return what it returns.

    Write access (401, 403 for a read-only token) was checked before the handler ran
    (portal/api/hooks.py). The service raises NotFound, NotAuthorized or ValidationError,
    which portal/errors.py answers as 404, 403 and 422; here a 422 names the request body's
    fields (`body_field_names`).
    """
    with body_field_names():
        return service(require_user(), *args, **kwargs)


def id_field(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def organisation_from_body(slug_or_code: str, field: str = "organization") -> Organisation:
    """The organisation a request body names; an unknown one is a 422 on that field."""
    try:
        return get_organisation(slug_or_code)
    except NotFound:
        message = _("No such organisation.")
        raise ValidationError(message, {field: [message]}) from None


@contextmanager
def body_field_names() -> Iterator[None]:
    """Name the request body's fields in a service's 422 (organisation_id is organization)."""
    try:
        yield
    except ValidationError as error:
        if "organisation_id" in error.errors:
            error.errors["organization"] = error.errors.pop("organisation_id")
        raise


class NamedRefSchema(ma.Schema):
    """Something named by its slug: a partner organisation, a standard, a standard's owner."""

    slug = fields.String(required=True)
    name = fields.String(required=True)


class OrganizationRefSchema(NamedRefSchema):
    kind = fields.Enum(OrganisationKind, by_value=True, required=True)
    county_code = fields.String(required=True, allow_none=True)


class CountySchema(ma.Schema):
    code = fields.String(required=True, metadata={"description": "Official two-digit county code."})
    name = fields.String(required=True)


class OrganizationSummarySchema(NamedRefSchema):
    kind = fields.Enum(OrganisationKind, by_value=True, required=True)
    county = fields.Nested(CountySchema, allow_none=True, required=True)


class StandardRefSchema(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)


def organisation_field() -> fields.String:
    return text_field(
        120,
        required=True,
        metadata={"description": "Slug or municipality code of the organisation acting."},
    )


# --- query arguments several lists share ---------------------------------------------------------


class ListArg(fields.List):
    """A query parameter holding several values, given comma-separated (`?orgs=a,b`), repeated
    (`?orgs=a&orgs=b`) or both; empty parts are ignored. Every list parameter is one of these."""

    is_multiple = True  # webargs hands over every repetition, not only the first

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        chunks = [value] if isinstance(value, str) else list(value or [])
        if not all(isinstance(chunk, str) for chunk in chunks):
            raise ma.ValidationError("Not a valid list.")
        parts = [part.strip() for chunk in chunks for part in chunk.split(",")]
        return super()._deserialize([p for p in parts if p], attr, data, **kwargs)


def list_arg(item: fields.Field, description: str, *, max_items: int, **kwargs: Any) -> ListArg:
    """A list query parameter of `item`s, at most `max_items` of them (empty when absent)."""
    return ListArg(
        item,
        load_default=list,
        validate=validate.Length(max=max_items),
        metadata={
            "description": f"{description} Several values comma-separated "
            "(`a,b`) or as the repeated parameter (`x=a&x=b`)."
        },
        **kwargs,
    )


def kind_arg() -> fields.Enum:
    """?kind=: the kind of organisation (municipality, authority, ...)."""
    return fields.Enum(OrganisationKind, by_value=True, load_default=None)


def county_arg(description: str = "Two-digit county code.") -> fields.String:
    """?county=: a two-digit county code."""
    return fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[0-9]{2}$"),
        metadata={"description": description},
    )


def standard_slug_arg() -> fields.String:
    """?standard=: a standard's slug."""
    return text_field(120, load_default=None, metadata={"description": "A standard's slug."})


class CsvDialectArgsSchema(QueryArgsSchema):
    """?dialect= of every CSV download (portal/core/csv_export.py)."""

    dialect = fields.String(
        load_default=COMMA.name,
        validate=validate.OneOf(list(DIALECTS)),
        metadata={
            "description": "comma (default): UTF-8 without BOM, comma-separated, machine "
            "headers and values, decimal point. excel-sv: for Swedish Excel: UTF-8 with BOM, "
            "semicolon-separated, Swedish headers and labels, decimal comma."
        },
    )


def csv_dialect(args: dict) -> CsvDialect:
    """The CSV dialect a download's query arguments ask for."""
    return dialect_named(args.get("dialect"))


def csv_args(filter_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The query arguments of a list's CSV twin: its filters without page and per_page, and
    the CSV dialect."""
    meta = type("Meta", (), {"exclude": ("page", "per_page")})
    name = filter_schema.__name__.removesuffix("FilterSchema") + "CsvArgsSchema"
    return type(name, (filter_schema, CsvDialectArgsSchema), {"Meta": meta})


def organisation_ref() -> fields.Nested:
    """The `organization` an item belongs to, as a reference."""
    return fields.Nested(OrganizationRefSchema, required=True, attribute="organisation")
