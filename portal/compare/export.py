"""The comparison as CSV: one row per plan; the page and the API both answer this."""

from __future__ import annotations

from flask import Response

from portal.compare.services import ComparedPlan, Comparison
from portal.core.csv_export import Columns, csv_response


def csv_columns(comparison: Comparison) -> Columns[ComparedPlan]:
    """The comparison's columns: the plan, then each dimension's levels and each standard."""
    columns: Columns[ComparedPlan] = [
        ("plan_id", lambda p: p.id),
        ("title", lambda p: p.title),
        ("organization", lambda p: p.organisation.name),
        ("kind", lambda p: p.organisation.kind),
        ("county", lambda p: p.organisation.county_name),
        ("period", lambda p: f"{p.period_start_year}-{p.period_end_year}"),
        ("budget_total_sek", lambda p: p.budget_total_sek),
        ("budget_per_inhabitant_sek", lambda p: p.budget_per_inhabitant),
    ]
    for dim in comparison.dimensions:
        columns.append((f"{dim.key}_current", _level(dim.key, "current")))
        columns.append((f"{dim.key}_target", _level(dim.key, "target")))
    for standard in comparison.standards:
        columns.append((f"standard_{standard.slug}", _standard(standard.slug)))
    return columns


def _level(key: str, which: str):
    return lambda p: getattr(p.maturity[key], which)


def _standard(slug: str):
    return lambda p: p.standards.get(slug)


def comparison_csv(comparison: Comparison) -> Response:
    plans: list[ComparedPlan] = comparison.plans
    return csv_response(csv_columns(comparison), plans, "plan-comparison.csv")
