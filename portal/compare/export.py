"""The comparison as CSV: one row per plan; the page and the API both answer this.

It carries what the comparison page shows: the plan and its organisation, period and status,
the budget in total, per inhabitant and per year, the maturity levels per dimension, the
adoption status per standard and the number of steps per status.
"""

from __future__ import annotations

from flask import Response
from flask_babel import LazyString, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.compare.services import ComparedPlan, Comparison
from portal.core.csv_export import Column, Columns, CsvDialect, csv_response, labelled
from portal.core.templating import kind_label
from portal.plans.forms import ADOPTION_LABELS, PLAN_STATUS_LABELS, STEP_STATUS_LABELS
from portal.plans.models import StepStatus


def csv_columns(comparison: Comparison) -> Columns[ComparedPlan]:
    """The comparison's columns: the plan, its budget by year, each dimension's levels, each
    standard and the step counts."""
    columns: Columns[ComparedPlan] = [
        Column("plan_id", lambda p: p.id, _l("Plan number")),
        Column("title", lambda p: p.title, _l("Plan")),
        Column("organization", lambda p: p.organisation.name, _l("Organisation")),
        Column("kind", lambda p: p.organisation.kind, _l("Kind"), kind_label),
        Column("county", lambda p: p.organisation.county_name, _l("County")),
        Column("population", lambda p: p.organisation.population, _l("Population")),
        Column("period", lambda p: f"{p.period_start_year}-{p.period_end_year}", _l("Period")),
        Column("status", lambda p: p.status, _l("Status"), labelled(PLAN_STATUS_LABELS)),
        Column("budget_total_sek", lambda p: p.budget_total_sek, _l("Budget in total (SEK)")),
        Column(
            "budget_per_inhabitant_sek",
            lambda p: p.budget_per_inhabitant,
            _l("Budget per inhabitant (SEK)"),
        ),
    ]
    for year in comparison.years:
        label = _l("Budget %(year)s (SEK)", year=year)
        columns.append(Column(f"budget_{year}_sek", _budget_in(year), label))
    for dim in comparison.dimensions:
        for which in ("current", "target"):
            label = LazyString(_level_label, dim, which)
            columns.append(Column(f"{dim.key}_{which}", _level(dim.key, which), label))
    for standard in comparison.standards:
        columns.append(
            Column(
                f"standard_{standard.slug}",
                _standard(standard.slug),
                standard.name,
                labelled(ADOPTION_LABELS),
            )
        )
    for status in StepStatus:
        label = _l("Steps: %(status)s", status=STEP_STATUS_LABELS[status.value])
        columns.append(Column(f"steps_{status.value}", _steps(status.value), label))
    return columns


def _level_label(dim, which: str) -> str:
    name = dim.name(str(get_locale()))
    if which == "current":
        return _("%(dimension)s: current level", dimension=name)
    return _("%(dimension)s: target level", dimension=name)


def _budget_in(year: int):
    return lambda p: p.budget_by_year.get(year, 0)


def _level(key: str, which: str):
    return lambda p: getattr(p.maturity[key], which)


def _standard(slug: str):
    return lambda p: p.standards.get(slug)


def _steps(status: str):
    return lambda p: p.steps_by_status.get(status, 0)


def comparison_csv(comparison: Comparison, dialect: CsvDialect) -> Response:
    plans: list[ComparedPlan] = comparison.plans
    return csv_response(csv_columns(comparison), plans, "plan-comparison.csv", dialect)
