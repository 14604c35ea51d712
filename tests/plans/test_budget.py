"""Budgets are derived from steps: totals and a pro-rata split by days over calendar years."""

from __future__ import annotations

from datetime import date

from portal.plans.budget import Budget, budget_from_snapshot, plan_budget, spread_cost
from portal.plans.models import Plan, PlanStep, StepStatus


def test_cost_is_split_pro_rata_by_days_over_calendar_years():
    # 2023-07-01..2023-12-31 is 184 days, 2024-01-01..2024-06-30 is 182 days (leap year): 366.
    # 1000 * 184 / 366 = 502.73 and 1000 * 182 / 366 = 497.27 -> 503 and 497 whole SEK.
    assert spread_cost(1000, date(2023, 7, 1), date(2024, 6, 30)) == {2023: 503, 2024: 497}


def test_split_over_three_years_adds_up_exactly():
    # 2024-12-31 (1 day), all of 2025 (365 days), 2026-01-01 (1 day): 367 days.
    # 100 * 1/367 = 0.27, 100 * 365/367 = 99.46, 0.27: floors 0 + 99 + 0 = 99, one SEK left
    # goes to the largest remainder (2025: .46 > .27).
    shares = spread_cost(100, date(2024, 12, 31), date(2026, 1, 1))
    assert shares == {2024: 0, 2025: 100, 2026: 0}
    assert sum(spread_cost(26_000_000, date(2018, 1, 1), date(2021, 12, 31)).values()) == 26_000_000
    for cost in (1, 7, 999_999, 1_234_567):
        assert sum(spread_cost(cost, date(2020, 3, 3), date(2023, 10, 9)).values()) == cost


def test_step_within_one_year_counts_fully_in_that_year():
    assert spread_cost(5000, date(2025, 2, 1), date(2025, 3, 1)) == {2025: 5000}


def _plan(*steps: PlanStep) -> Plan:
    return Plan(title="x", period_start_year=2024, period_end_year=2026, steps=list(steps))


def test_plan_budget_excludes_cancelled_steps_and_counts_unknown_costs_as_zero():
    plan = _plan(
        PlanStep(
            title="a", start_date=date(2024, 1, 1), end_date=date(2024, 12, 31), cost_sek=1000,
            status=StepStatus.PLANNED,
        ),
        PlanStep(
            title="b", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31), cost_sek=None,
            status=StepStatus.PLANNED,
        ),
        PlanStep(
            title="c", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31), cost_sek=9999,
            status=StepStatus.CANCELLED,
        ),
        PlanStep(
            title="d", start_date=date(2024, 7, 1), end_date=date(2025, 6, 30), cost_sek=365,
            status=StepStatus.DONE,
        ),
    )  # fmt: skip
    budget = plan_budget(plan)
    # d: 2024-07-01..12-31 is 184 days, 2025-01-01..06-30 is 181 days; 365 SEK -> 184 + 181.
    assert budget == Budget(total_sek=1000 + 365, by_year={2024: 1184, 2025: 181})


def test_snapshot_budget_equals_plan_budget():
    snapshot = {
        "steps": [
            {"cost_sek": 1000, "start_date": "2023-07-01", "end_date": "2024-06-30",
             "status": "ongoing"},
            {"cost_sek": 50, "start_date": "2024-01-01", "end_date": "2024-01-31",
             "status": "cancelled"},
            {"cost_sek": None, "start_date": "2024-01-01", "end_date": "2024-01-31",
             "status": "planned"},
        ]
    }  # fmt: skip
    assert budget_from_snapshot(snapshot) == Budget(1000, {2023: 503, 2024: 497})
    assert budget_from_snapshot({}) == Budget(0, {})
