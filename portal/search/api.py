"""/api/v1/search: the same search as the search page (portal.search.services), with facets."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portal.api.common import (
    LINK_HEADER,
    PaginationArgsSchema,
    list_arg,
    paginated,
    text_field,
)
from portal.api.resources import api_blueprint
from portal.search import hooks, services

blp = api_blueprint(
    "api_search",
    __name__,
    "Search published plans, experiences, needs, organisations and standards.",
    tag="Search",
)


class SegmentSchema(ma.Schema):
    text = fields.String(required=True)
    hit = fields.Boolean(required=True, metadata={"description": "A word the query matched."})


def _plain(segments) -> str:
    return "".join(s.text for s in segments)


def _marked(segments) -> str:
    return "".join(f"[[{s.text}]]" if s.hit else s.text for s in segments)


class SearchItemSchema(ma.Schema):
    type = fields.String(required=True, attribute="doc_type")
    type_label = fields.Function(lambda h: str(h.type_label), required=True)
    title = fields.Function(lambda h: _plain(h.title), required=True)
    url = fields.String(required=True, allow_none=True)
    organization = fields.String(required=True, attribute="org_name")
    date = fields.Function(
        lambda h: h.date.date().isoformat() if h.date else None,
        required=True,
        allow_none=True,
        metadata={"type": "string", "format": "date", "nullable": True},
    )
    snippet = fields.Function(
        lambda h: _plain(h.snippet),
        required=True,
        metadata={"description": "Plain text around the matches."},
    )
    snippet_marked = fields.Function(
        lambda h: _marked(h.snippet),
        required=True,
        metadata={"description": "The snippet with each matched word in [[double brackets]]."},
    )
    title_segments = fields.List(fields.Nested(SegmentSchema), required=True, attribute="title")
    snippet_segments = fields.List(fields.Nested(SegmentSchema), required=True, attribute="snippet")


class FacetValueSchema(ma.Schema):
    value = fields.String(
        required=True, metadata={"description": "Send it as the facet's parameter."}
    )
    label = fields.String(required=True)
    count = fields.Integer(required=True)
    selected = fields.Boolean(required=True)


class FacetSchema(ma.Schema):
    name = fields.String(required=True, metadata={"description": "The query parameter."})
    label = fields.Function(lambda f: str(f.label), required=True)
    values = fields.List(fields.Nested(FacetValueSchema), required=True)


class SearchResultSchema(ma.Schema):
    q = fields.String(required=True, attribute="text")
    items = fields.List(fields.Nested(SearchItemSchema), required=True, attribute="hits")
    page = fields.Function(lambda r: r.page.page, required=True, metadata={"type": "integer"})
    per_page = fields.Function(
        lambda r: r.page.per_page, required=True, metadata={"type": "integer"}
    )
    total = fields.Function(lambda r: r.page.total, required=True, metadata={"type": "integer"})
    facets = fields.List(fields.Nested(FacetSchema), required=True)
    suggestion = fields.String(
        required=True, allow_none=True, metadata={"description": "A corrected query, if any."}
    )
    any_word = fields.Boolean(
        required=True,
        metadata={"description": "No item had every word, so these have any of them."},
    )
    sort = fields.String(required=True)


def _facet_list(description: str) -> fields.List:
    return list_arg(text_field(120), description, max_items=services.MAX_SELECTED)


class SearchArgsSchema(PaginationArgsSchema):
    q = text_field(500, load_default="", metadata={"description": 'Words, "phrases", -not.'})
    type = _facet_list("Document type (plan, experience, need, ...).")
    kind = _facet_list("Organisation kind.")
    county = _facet_list("Two-digit county code.")
    standard = _facet_list("A standard's slug.")
    year = _facet_list("Year, e.g. 2025.")
    sort = fields.String(load_default="relevance", validate=validate.OneOf(services.SORTS))


@blp.route("/search")
@blp.arguments(SearchArgsSchema, location="query")
@blp.response(200, SearchResultSchema, headers={"Link": LINK_HEADER})
def search(args: dict):
    """Search public content as the search page does: items, facets with counts, suggestion."""
    hooks.catch_up_before_search()
    selected = services.clean_selection({name: args[name] for name in services.FACETS})
    results = services.search(
        args["q"],
        selected=selected,
        page=args["page"],
        per_page=args["per_page"],
        sort=args["sort"],
    )
    _body, _status, headers = paginated(results.page)
    return results, 200, headers
