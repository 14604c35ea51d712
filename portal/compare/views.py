"""The comparison pages: /plans/compare (2-10 plans side by side) and /plans/compare/peers."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.compare import services
from portal.compare.export import comparison_csv
from portal.core.actor import current_actor
from portal.core.boundary import parse_id
from portal.core.csv_export import page_dialect
from portal.core.formats import format_number
from portal.errors import NotFound, ValidationError

bp = Blueprint("compare", __name__, url_prefix="/plans/compare")

# Fill patterns for the chart, one per plan (readable without colour).
PATTERNS = (
    "solid",
    "stripes",
    "dots",
    "cross",
    "grid",
    "diag",
    "hstripes",
    "sparse",
    "zigzag",
    "empty",
)


@bp.get("")
def show():
    """Choose plans and compare them; the URL (?ids=1,2,3) holds the selection."""
    q = (request.args.get("q") or "").strip()[:100]
    error = None
    status = 200
    comparison = None
    try:
        ids = services.parse_ids(request.args.getlist("ids"))
    except ValidationError as exc:
        ids, error, status = [], exc.message, 422
    if services.MIN_PLANS <= len(ids) <= services.MAX_PLANS:
        comparison = services.compare_plans(current_actor(), ids=ids)
        chosen = []
    else:
        if len(ids) > services.MAX_PLANS:
            error = services._count_error("ids", len(ids)).message
            status = 422
        chosen = services.visible_plans(current_actor(), ids[: services.MAX_PLANS])
    if comparison is not None and request.args.get("format") == "csv":
        return comparison_csv(comparison, page_dialect())
    found = [p for p in services.plans_of_organisations_named(q) if p.id not in ids]
    return (
        render_template(
            "compare/show.html",
            comparison=comparison,
            chosen=chosen,
            ids=ids,
            q=q,
            found=found,
            error=error,
            patterns=PATTERNS,
            locale=str(get_locale()),
            size_classes=services.SIZE_CLASSES,
        ),
        status,
    )


@bp.get("/peers")
def peers():
    """One plan next to the medians of comparable organisations' current plans."""
    raw = request.args.get("id", "")
    if not raw:
        return render_template("compare/peers_choose.html", plans=services.current_plans())
    plan_id = parse_id(raw)
    if plan_id is None:
        raise NotFound(_("No such plan."))
    plan, bench = services.compare_with_peers(current_actor(), plan_id)
    dims = {}
    for group in bench.groups:
        dims.update(dict.fromkeys(group.maturity))
    from portal.plans.services import list_dimensions

    all_dims = list_dimensions()
    names = {d.key: d.name(str(get_locale())) for d in all_dims}
    keys = list(plan.maturity) + [k for k in dims if k not in plan.maturity]
    return render_template("compare/peers.html", plan=plan, bench=bench, keys=keys, names=names)


@bp.app_template_global("size_class_label")
def size_class_label(key: str | None) -> str:
    """A population size class in words, its numbers in the reader's format."""
    for name, low, high in services.SIZE_CLASSES:
        if name != key:
            continue
        if not low:
            return _("under %(n)s inhabitants", n=format_number(high + 1))
        if high is None:
            return _("%(n)s inhabitants or more", n=format_number(low))
        return _("%(low)s–%(high)s inhabitants", low=format_number(low), high=format_number(high))
    return ""
