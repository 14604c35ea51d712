"""The search page."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template, request, url_for

from portal.core.args import int_arg
from portal.search import hooks, services

bp = Blueprint("search", __name__, url_prefix="/search")
log = logging.getLogger(__name__)


def _toggle_url(name: str, value: str, on: bool) -> str:
    """This search with one facet value added or removed (back to the first page)."""
    args = request.args.to_dict(flat=False)
    values = [v for v in args.get(name, []) if v != value]
    if on:
        values.append(value)
    args[name] = values
    args.pop("page", None)
    return url_for("search.index", **args)


@bp.get("")
def index():
    """Search published content, narrowed by facets."""
    text = (request.args.get("q") or "")[:500]
    hooks.catch_up_before_search()
    results = services.search(
        text,
        selected=services.clean_selection(request.args.to_dict(flat=False)),
        page=int_arg("page", max_digits=6),
        sort=request.args.get("sort", "relevance"),
    )
    for facet in results.facets:
        for value in facet.values:
            value.url = _toggle_url(facet.name, value.value, not value.selected)
    return render_template("search/index.html", results=results, q=text, facet_defs=services.FACETS)
