"""The comparison service: aligned plans, visibility, gaps and peer medians."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.compare import services
from portal.compare.services import Level
from portal.errors import NotFound, ValidationError
from portal.extensions import db
from portal.orgs.models import Organisation


def _slug(code: str) -> str:
    return db.session.scalar(
        select(Organisation.slug).where(Organisation.municipality_code == code)
    )


def test_plans_are_aligned_across_missing_sections_periods_and_dimension_sets(app, make_plan):
    a = make_plan(
        "gotland",
        start=2024,
        end=2026,
        sections={"strengths": "Starka **geodata**."},
        maturity={"digital_information": (2, 4), "digital_workflow": (3, 4)},
        steps=[("Steg", "2024-01-01", "2025-12-31", 730_000)],
    )
    b = make_plan(
        "vallentuna",
        start=2025,
        end=2028,
        sections={"motives": "Snabbare bygglov."},
        maturity={"digital_information": (5, 5), "automated_processes": (1, 3)},
    )
    with app.app_context():
        c = services.compare_plans(None, ids=[b, a], with_benchmark=False)
    assert [p.id for p in c.plans] == [b, a]
    # The union of the dimensions, in the dimensions' own order.
    assert [d.key for d in c.dimensions] == [
        "digital_information",
        "digital_workflow",
        "automated_processes",
    ]
    pb, pa = c.plans
    assert list(pa.maturity) == list(pb.maturity) == [d.key for d in c.dimensions]
    assert pa.maturity["automated_processes"] == Level(None, None)
    assert pb.maturity["digital_workflow"] == Level(None, None)
    assert pb.maturity["digital_information"] == Level(5, 5)
    # Missing text sections are None, present ones kept as written.
    assert (pa.strengths, pa.weaknesses, pa.motives) == ("Starka **geodata**.", None, None)
    assert (pb.strengths, pb.motives) == (None, "Snabbare bygglov.")
    # Different periods: one shared list of years.
    assert c.years == [2024, 2025, 2026, 2027, 2028]
    assert (pa.period_start_year, pb.period_end_year) == (2024, 2028)
    # Budgets derived from the steps; Gotland's per inhabitant (60 971 on 2024-12-31).
    assert pa.budget_total_sek == 730_000
    assert sum(pa.budget_by_year.values()) == 730_000
    assert pa.budget_per_inhabitant == round(730_000 / 60_971, 1)
    assert pb.budget_total_sek == 0 and pb.budget_per_inhabitant is None
    assert pa.steps_by_status["planned"] == 1 and pb.steps_by_status["planned"] == 0
    # The largest difference first: digital_information 2 vs 5.
    assert c.gaps[0].dimension_key == "digital_information"
    assert (c.gaps[0].spread, c.gaps[0].lowest, c.gaps[0].highest) == (3, 2, 5)
    # Only dimensions assessed by at least two plans have a gap.
    assert [g.dimension_key for g in c.gaps] == ["digital_information"]


def test_standards_matrix_lists_every_standard_of_any_plan(app, make_plan):
    with app.app_context():
        from portal.standards.models import Standard

        slugs = list(db.session.scalars(select(Standard.slug).order_by(Standard.slug)))[:2]
    a = make_plan("gotland", standards=slugs[:1])
    b = make_plan("vallentuna", standards=slugs)
    with app.app_context():
        c = services.compare_plans(None, ids=[a, b], with_benchmark=False)
    assert set(c.matrix) == set(slugs)
    assert c.matrix[slugs[0]] == {a: "not_started", b: "not_started"}
    assert c.matrix[slugs[1]] == {a: None, b: "not_started"}


def test_between_two_and_ten_plans(app, make_plan):
    a = make_plan("gotland")
    with app.app_context():
        with pytest.raises(ValidationError) as one:
            services.compare_plans(None, ids=[a])
        assert "ids" in one.value.errors
        with pytest.raises(ValidationError):
            services.compare_plans(None, ids=list(range(1, 12)))
        with pytest.raises(ValidationError):
            services.parse_ids("1,x")
        assert services.parse_ids(["3,1", "3"]) == [3, 1]


def test_drafts_only_for_members_of_their_organisation(app, make_plan, make_user):
    draft = make_plan("gotland", status="draft")
    other = make_plan("vallentuna")
    member = make_user(member_of="gotland", role="member")
    outsider = make_user(member_of="vallentuna", role="admin")
    with app.app_context():
        with pytest.raises(NotFound):
            services.compare_plans(None, ids=[draft, other])
        with pytest.raises(NotFound):
            services.compare_plans(db.session.get(User, outsider), ids=[draft, other])
        with pytest.raises(NotFound):
            services.compare_plans(None, ids=[other, 999_999])
        c = services.compare_plans(db.session.get(User, member), ids=[draft, other])
        assert [p.id for p in c.plans] == [draft, other]


def test_organisations_give_their_current_published_plan(app, make_plan):
    # The first published plan stays the current one until the organisation changes that.
    current = make_plan("gotland", title="Äldre", start=2018, end=2020)
    make_plan("gotland", title="Nyare", start=2024, end=2026)
    make_plan("vallentuna", status="draft")
    vallentuna = make_plan("vallentuna", title="Publicerad")
    with app.app_context():
        c = services.compare_plans(None, orgs=["vallentuna", "gotland"], with_benchmark=False)
        assert [p.id for p in c.plans] == [vallentuna, current]
        with pytest.raises(NotFound) as missing:
            services.compare_plans(None, orgs=["gotland", "no-such-org"])
        assert "no-such-org" in missing.value.message
        with pytest.raises(NotFound) as unpublished:
            services.compare_plans(None, orgs=["gotland", "kiruna"])
        assert "Kiruna" in unpublished.value.message


def test_size_classes():
    assert services.size_class(9_999) == "lt10k"
    assert services.size_class(10_000) == "10k-25k"
    assert services.size_class(35_119) == "25k-50k"
    assert services.size_class(60_971) == "50k-100k"
    assert services.size_class(199_999) == "100k-200k"
    assert services.size_class(1_000_000) == "gte200k"
    assert services.size_class(None) is None


def test_peer_medians_against_a_hand_computed_example(app, make_plan):
    """Vallentuna (Stockholms län, 35 119 inhabitants: 25k-50k) against its peers.

    Peers (current published plans, digital_information current/target, budget/inhabitant):
      Upplands Väsby 0114, Stockholm, 50 323 (50k-100k): 1/3, 503 230 kr -> 10.0 kr
      Österåker      0117, Stockholm, 49 787 (25k-50k):  2/4, no costs  -> left out
      Värmdö         0120, Stockholm, 46 635 (25k-50k):  4/4, 932 700 kr -> 20.0 kr
      Gotland        0980, Gotland,   60 971 (50k-100k): 5/5, 1 829 130 kr -> 30.0 kr
    Not peers: Vallentuna's own other plan, a draft, an archived plan, an authority's plan.
    Same kind:            current median(1,2,4,5)=3.0, target median(3,4,4,5)=4.0, budget 20.0
    Same kind and county: current median(1,2,4)=2.0, target 4.0, budget median(10,20)=15.0
    Same kind and size:   current median(2,4)=3.0, target 4.0, budget 20.0 (Värmdö only)
    """
    with app.app_context():
        vasby, osteraker, varmdo = _slug("0114"), _slug("0117"), _slug("0120")
    year = ("2025-01-01", "2025-12-31")

    def plan(slug, cur, tgt, cost, **kw):
        return make_plan(
            slug,
            maturity={"digital_information": (cur, tgt)},
            steps=[("Steg", *year, cost)] if cost else [],
            **kw,
        )

    subject = plan("vallentuna", 3, 5, None, title="Vår plan")
    plan(vasby, 1, 3, 503_230)
    plan(osteraker, 2, 4, None)
    plan(varmdo, 4, 4, 932_700)
    plan("gotland", 5, 5, 1_829_130)
    plan(osteraker, 1, 1, 10_000_000, status="draft")
    plan(varmdo, 1, 1, 10_000_000, status="archived")
    plan("lantmateriet", 1, 1, None)
    with app.app_context():
        compared, bench = services.compare_with_peers(None, subject)
    assert compared.id == subject
    groups = {g.key: g for g in bench.groups}
    assert set(groups) == {"kind", "county", "size"}

    kind = groups["kind"]
    assert kind.plan_count == 4
    assert {p.organisation_slug for p in kind.plans} == {vasby, osteraker, varmdo, "gotland"}
    assert kind.maturity["digital_information"].current == 3.0
    assert kind.maturity["digital_information"].target == 4.0
    assert kind.maturity["digital_information"].count == 4
    assert (kind.budget_per_inhabitant, kind.budget_count) == (20.0, 3)

    county = groups["county"]
    assert county.county_code == "01"
    assert {p.organisation_slug for p in county.plans} == {vasby, osteraker, varmdo}
    assert county.maturity["digital_information"].current == 2.0
    assert county.maturity["digital_information"].target == 4.0
    assert (county.budget_per_inhabitant, county.budget_count) == (15.0, 2)

    size = groups["size"]
    assert size.size_class == "25k-50k"
    assert {p.organisation_slug for p in size.plans} == {osteraker, varmdo}
    assert size.maturity["digital_information"].current == 3.0
    assert (size.budget_per_inhabitant, size.budget_count) == (20.0, 1)
