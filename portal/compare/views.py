"""The comparison pages: /plans/compare (2-10 plans side by side) and /plans/compare/peers."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.compare import services
from portal.compare.export import comparison_csv
from portal.core.actor import current_actor
from portal.errors import NotFound, ValidationError
from portal.extensions import db
from portal.orgs.models import Organisation
from portal.plans.models import Plan, PlanStatus
from portal.plans.services import can_view_plan

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
SEARCH_LIMIT = 30


def _search_plans(q: str) -> list[Plan]:
    """Published plans of organisations whose name contains `q` (one query, at most 30)."""
    term = q.strip()[:100]
    if not term:
        return []
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").lower()
    stmt = (
        select(Plan)
        .join(Organisation, Organisation.id == Plan.organisation_id)
        .where(
            Plan.status == PlanStatus.PUBLISHED,
            func.lower(Organisation.name).like(f"%{escaped}%", escape="\\"),
        )
        .order_by(Organisation.name, Plan.period_start_year.desc(), Plan.id)
        .limit(SEARCH_LIMIT)
    )
    return list(db.session.scalars(stmt))


def _chosen_plans(ids: list[int]) -> list[Plan]:
    if not ids:
        return []
    actor = current_actor()
    plans = {p.id: p for p in db.session.scalars(select(Plan).where(Plan.id.in_(ids)))}
    return [plans[i] for i in ids if i in plans and can_view_plan(actor, plans[i])]


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
        chosen = _chosen_plans(ids[: services.MAX_PLANS])
    if comparison is not None and request.args.get("format") == "csv":
        return comparison_csv(comparison)
    found = [p for p in _search_plans(q) if p.id not in ids]
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
    if not raw.isdigit() or len(raw) > 9:
        raise NotFound(_("No such plan."))
    plan, bench = services.compare_with_peers(current_actor(), int(raw))
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
    labels = {
        "lt10k": _("under 10 000 inhabitants"),
        "10k-25k": _("10 000–24 999 inhabitants"),
        "25k-50k": _("25 000–49 999 inhabitants"),
        "50k-100k": _("50 000–99 999 inhabitants"),
        "100k-200k": _("100 000–199 999 inhabitants"),
        "gte200k": _("200 000 inhabitants or more"),
    }
    return labels.get(key or "", "")
