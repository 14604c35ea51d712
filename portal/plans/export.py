"""The plans as CSV: one column description, for every download of them."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from portal.core.csv_export import Column, Columns, labelled
from portal.orgs.export import OWNER_COLUMNS
from portal.plans.forms import PLAN_STATUS_LABELS
from portal.plans.models import Plan


def plan_columns(budget_totals: Mapping[int, int]) -> Columns[Plan]:
    """The columns of a plan list; `budget_totals` holds each plan's budget in SEK by id."""
    return [
        Column("id", lambda p: p.id, _l("Number")),
        Column("title", lambda p: p.title, _l("Title")),
        *OWNER_COLUMNS,
        Column("period_start_year", lambda p: p.period_start_year, _l("From year")),
        Column("period_end_year", lambda p: p.period_end_year, _l("To year")),
        Column("status", lambda p: p.status, _l("Status"), labelled(PLAN_STATUS_LABELS)),
        Column("is_current", lambda p: p.is_current, _l("Current plan")),
        Column("budget_total_sek", lambda p: budget_totals.get(p.id, 0), _l("Budget (SEK)")),
        Column("updated_at", lambda p: p.updated_at.isoformat(), _l("Updated")),
    ]
