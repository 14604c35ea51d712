"""The plans as CSV: one column description, for every download of them."""

from __future__ import annotations

from collections.abc import Mapping

from portal.core.csv_export import Columns
from portal.orgs.export import OWNER_COLUMNS
from portal.plans.models import Plan


def plan_columns(budget_totals: Mapping[int, int]) -> Columns[Plan]:
    """The columns of a plan list; `budget_totals` holds each plan's budget in SEK by id."""
    return [
        ("id", lambda p: p.id),
        ("title", lambda p: p.title),
        *OWNER_COLUMNS,
        ("period_start_year", lambda p: p.period_start_year),
        ("period_end_year", lambda p: p.period_end_year),
        ("status", lambda p: p.status),
        ("is_current", lambda p: p.is_current),
        ("budget_total_sek", lambda p: budget_totals.get(p.id, 0)),
        ("updated_at", lambda p: p.updated_at.isoformat()),
    ]
