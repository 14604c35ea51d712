"""/plans and /plans/<id> send a bounded number of SQL queries whatever the data size."""

from __future__ import annotations

from datetime import date

from portal.accounts.models import User
from portal.extensions import db
from portal.plans import services
from portal.plans.models import MaturityDimension, Plan

STANDARDS = ["bfs-2020-5", "nationella-geodataplattformen", "dcat-ap-se"]


def _fill(app, make_plan, make_user, plans: int, steps: int) -> int:
    """Create `plans` published plans with `steps` steps each; return the last plan's id."""
    from sqlalchemy import select

    from portal.standards.models import Standard

    last = 0
    for n in range(plans):
        last = make_plan(
            "vallentuna" if n % 2 else "gotland",
            title=f"Plan {n}",
            steps=[("s", "2024-01-01", "2025-12-31", 1000 + i) for i in range(steps)],
            standards=STANDARDS,
            maturity={"digital_information": (1, 3), "digital_workflow": (2, 4)},
        )
    with app.app_context():
        plan = db.session.get(Plan, last)
        std_ids = list(db.session.scalars(select(Standard.id).limit(2)))
        # Link standards to every step and add partners and decisions through the service.
        services.reopen_plan(_site_admin(), plan)
        data = services.PlanInput(
            title=plan.title,
            period_start_year=2024,
            period_end_year=2026,
            decisions=[services.DecisionInput(body=f"KS {i}") for i in range(steps)],
            strategies=[services.StrategyInput(title=f"Strategi {i}") for i in range(steps)],
            partner_ids=[_org_id(slug) for slug in ("boverket", "lantmateriet")[: min(2, steps)]],
            maturity=[
                services.MaturityInput(d.id, 2, 3)
                for d in db.session.scalars(select(MaturityDimension))
            ],
            standards=[services.StandardInput(s) for s in std_ids],
            steps=[
                services.StepInput(
                    title=f"Steg {i}",
                    start_date=date(2024, 1, 1),
                    end_date=date(2026, 6, 30),
                    cost_sek=500 * i,
                    standard_ids=std_ids,
                )
                for i in range(steps)
            ],
        )
        services.update_plan(_site_admin(), plan, data)
        services.publish_plan(_site_admin(), plan)
        db.session.commit()
    return last


def _site_admin() -> User:
    from sqlalchemy import select

    user = db.session.scalar(select(User).where(User.is_site_admin.is_(True)))
    if user is None:
        user = User(email="admin@q.example", name="Admin", password_hash="x", is_site_admin=True)
        db.session.add(user)
        db.session.flush()
    return user


def _org_id(slug: str) -> int:
    from tests.plans.conftest import org_id

    return org_id(slug)


def _count(client, count_queries, url: str) -> int:
    client.get(url)  # warm caches (e.g. compiled templates) outside the count
    with count_queries() as log:
        response = client.get(url)
    assert response.status_code == 200
    return log.count


def test_plan_list_queries_are_bounded(app, client, count_queries, make_plan, make_user):
    _fill(app, make_plan, make_user, plans=2, steps=1)
    small = {s: _count(client, count_queries, f"/plans?sort={s}") for s in ("updated", "budget")}
    _fill(app, make_plan, make_user, plans=25, steps=4)
    large = {s: _count(client, count_queries, f"/plans?sort={s}") for s in ("updated", "budget")}
    assert small == large
    assert large["budget"] <= 8, large


def test_plan_page_queries_are_bounded(app, client, count_queries, make_plan, make_user):
    small_id = _fill(app, make_plan, make_user, plans=1, steps=1)
    small = _count(client, count_queries, f"/plans/{small_id}")
    large_id = _fill(app, make_plan, make_user, plans=3, steps=30)
    large = _count(client, count_queries, f"/plans/{large_id}")
    assert small == large
    assert large <= 14, large


def test_plan_page_queries_are_bounded_for_members(
    app, client, login_as, count_queries, make_plan, make_user
):
    login_as(make_user(member_of="gotland", role="editor"))
    small_id = _fill(app, make_plan, make_user, plans=1, steps=1)
    small = _count(client, count_queries, f"/plans/{small_id}")
    large_id = _fill(app, make_plan, make_user, plans=3, steps=30)
    large = _count(client, count_queries, f"/plans/{large_id}")
    assert small == large
