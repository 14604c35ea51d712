"""`seed --demo` adds the plans: Gotland and Vallentuna from public facts only, the rest fictional."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.orgs.models import Organisation
from portal.plans.budget import plan_budget
from portal.plans.models import Plan, PlanRevision, PlanStatus
from portal.seed import seed_demo


def _plans(slug: str) -> list[Plan]:
    return list(
        db.session.scalars(
            select(Plan).join(Organisation).where(Organisation.slug == slug).order_by(Plan.id)
        )
    )


def test_demo_plans_follow_the_rules_and_seeding_twice_changes_nothing(ctx):
    seed_demo()
    db.session.commit()
    counts = (
        db.session.scalar(select(func.count()).select_from(Plan)),
        db.session.scalar(select(func.count()).select_from(PlanRevision)),
    )
    seed_demo()
    db.session.commit()
    assert (
        db.session.scalar(select(func.count()).select_from(Plan)),
        db.session.scalar(select(func.count()).select_from(PlanRevision)),
    ) == counts

    (disa,) = _plans("gotland")
    assert disa.is_example and disa.status == PlanStatus.PUBLISHED
    assert (disa.period_start_year, disa.period_end_year) == (2018, 2021)
    costed = [s for s in disa.steps if s.cost_sek]
    assert [s.cost_sek for s in costed] == [26_000_000]
    assert (
        sum(1 for s in disa.steps if s.title.startswith("Delprojekt") and s.cost_sek is None) == 8
    )
    assert plan_budget(disa).total_sek == 26_000_000
    assert disa.expected_benefits_sek == 14_500_000

    (vallentuna,) = _plans("vallentuna")
    assert vallentuna.is_example and (vallentuna.period_start_year, vallentuna.period_end_year) == (
        2018,
        2020,
    )
    assert len(vallentuna.strategies) == 6
    assert plan_budget(vallentuna).total_sek == 0
    assert all(s.cost_sek is None for s in vallentuna.steps)

    exempel = _plans("exempelkommunen")
    statuses = sorted(p.status.value for p in exempel)
    assert statuses == ["archived", "draft", "published"]
    current = next(p for p in exempel if p.status == PlanStatus.PUBLISHED)
    assert current.is_current and len(current.revisions) == 2
    assert len(current.maturity) == 6 and current.standards
    prov = _plans("provkommunen")
    assert prov and all(p.revisions for p in prov)


def test_example_plans_are_labelled_in_the_ui(app, client):
    with app.app_context():
        seed_demo()
        db.session.commit()
        disa_id = _plans("gotland")[0].id
    html = client.get(f"/plans/{disa_id}").get_data(as_text=True)
    assert "Exempeldata" in html
    assert "26\u00a0000\u00a0000\u00a0kr" in html
    assert "Exempeldata" in client.get("/plans").get_data(as_text=True)
