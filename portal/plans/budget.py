"""Budgets derived from a plan's steps, never stored: totals and SEK per calendar year."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.plans.models import Plan, StepStatus


@dataclass(frozen=True)
class Budget:
    """What a plan's steps cost in total and in each calendar year (whole SEK)."""

    total_sek: int = 0
    by_year: dict[int, int] = field(default_factory=dict)


def spread_cost(cost_sek: int, start: date, end: date) -> dict[int, int]:
    """Spread a cost over the calendar years from `start` to `end` (inclusive), pro rata by days.

    Shares are whole SEK that add up exactly to the cost: each year gets the floor of its share
    and the SEK left over go, one each, to the years with the largest remainders (earlier years
    first on ties).
    """
    if cost_sek <= 0:
        return {}
    if end < start:
        start, end = end, start
    days: dict[int, int] = {}
    for year in range(start.year, end.year + 1):
        first = max(start, date(year, 1, 1))
        last = min(end, date(year, 12, 31))
        days[year] = (last - first).days + 1
    total_days = sum(days.values())
    shares = {year: cost_sek * d // total_days for year, d in days.items()}
    remainders = {year: cost_sek * d % total_days for year, d in days.items()}
    left = cost_sek - sum(shares.values())
    for year in sorted(days, key=lambda y: (-remainders[y], y))[:left]:
        shares[year] += 1
    return shares


def _budget(steps: Iterable[tuple[int | None, date, date, str]]) -> Budget:
    by_year: dict[int, int] = {}
    for cost, start, end, status in steps:
        if not cost or status == StepStatus.CANCELLED.value:
            continue
        for year, amount in spread_cost(cost, start, end).items():
            by_year[year] = by_year.get(year, 0) + amount
    return Budget(total_sek=sum(by_year.values()), by_year=dict(sorted(by_year.items())))


def plan_budget(plan: Plan) -> Budget:
    """Derive the budget of a plan from its steps; cancelled steps and unknown costs count 0."""
    return _budget(
        (step.cost_sek, step.start_date, step.end_date, StepStatus(step.status).value)
        for step in plan.steps
    )


def budget_from_snapshot(snapshot: Mapping[str, Any]) -> Budget:
    """Derive the budget of a published revision from its snapshot, as `plan_budget` does."""
    return _budget(
        (
            step.get("cost_sek"),
            date.fromisoformat(step["start_date"]),
            date.fromisoformat(step["end_date"]),
            step.get("status", StepStatus.PLANNED.value),
        )
        for step in snapshot.get("steps", [])
    )


def step_cost_by_year(cost_sek: int | None, start: date, end: date, status: str) -> dict[int, int]:
    """What one step adds to each year of the budget (nothing if cancelled or without cost)."""
    if not cost_sek or status == StepStatus.CANCELLED.value:
        return {}
    return spread_cost(cost_sek, start, end)
