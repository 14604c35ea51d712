"""The comparison reads a bounded number of queries, for 2 plans as for 10, and many peers."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Mapper

from portal.compare.services import PEER_LIST_LIMIT
from portal.extensions import db
from portal.orgs.models import Organisation, OrganisationKind
from portal.plans.models import Plan
from tests.query_plans import captured_selects, unkeyed_reads

MATURITY = {"digital_information": (2, 4), "digital_workflow": (1, 3), "digital_dialogue": (3, 3)}
STEPS = [
    ("Steg ett", "2024-01-01", "2024-12-31", 100_000),
    ("Steg två", "2025-01-01", "2026-06-30", 200_000),
]


def _plans(app, make_plan, count: int, skip: int = 0) -> list[int]:
    with app.app_context():
        slugs = list(
            db.session.scalars(
                select(Organisation.slug)
                .where(Organisation.kind == OrganisationKind.MUNICIPALITY)
                .order_by(Organisation.slug)
                .offset(skip)
                .limit(count)
            )
        )
    return [
        make_plan(slug, maturity=MATURITY, steps=STEPS, standards=[], title=f"Plan {slug}")
        for slug in slugs
    ]


def _count(client, count_queries, url: str) -> int:
    client.get(url)  # warm up (babel, caches)
    with count_queries() as log:
        answer = client.get(url)
    assert answer.status_code == 200
    return log.count


def test_page_and_api_queries_do_not_grow_with_plans_or_peers(
    app, client, count_queries, make_plan
):
    ids = _plans(app, make_plan, 14)
    two = ",".join(map(str, ids[:2]))
    ten = ",".join(map(str, ids[:10]))
    for path in (
        "/plans/compare?ids=",
        "/api/v1/plans/compare?ids=",
        "/api/v1/plans/compare.csv?ids=",
    ):
        small = _count(client, count_queries, path + two)
        large = _count(client, count_queries, path + ten)
        assert large == small, path
        assert small <= 12, path
    peers = _count(client, count_queries, f"/plans/compare/peers?id={ids[0]}")
    assert peers <= 10


def _cost(client, count_queries, url: str) -> tuple[int, int, dict]:
    """Statements sent and ORM objects loaded by one request (after a warm-up), and its JSON."""
    client.get(url)
    loaded = []

    def on_load(target, context):
        loaded.append(type(target).__name__)

    sa.event.listen(Mapper, "load", on_load)
    try:
        with count_queries() as log:
            answer = client.get(url)
    finally:
        sa.event.remove(Mapper, "load", on_load)
    assert answer.status_code == 200
    return log.count, len(loaded), answer.get_json() if answer.is_json else {}


def test_peer_medians_cost_the_same_with_5_or_50_plans_in_the_portal(
    app, client, count_queries, make_plan
):
    """The database chooses the peers and computes the medians: the queries and the rows the
    portal loads stay the same as the portal grows; only PEER_LIST_LIMIT peers are named."""
    ids = _plans(app, make_plan, 5)
    urls = (
        f"/api/v1/plans/compare?ids={ids[0]},{ids[1]}",
        f"/plans/compare?ids={ids[0]},{ids[1]}",
        f"/plans/compare/peers?id={ids[0]}",
    )
    small = [_cost(client, count_queries, url) for url in urls]
    _plans(app, make_plan, 45, skip=5)
    large = [_cost(client, count_queries, url) for url in urls]
    for url, (queries, loaded, _), (more_queries, more_loaded, _) in zip(
        urls, small, large, strict=True
    ):
        assert (more_queries, more_loaded) == (queries, loaded), url
    kind = large[0][2]["benchmark"][0]["groups"][0]
    assert kind["group"] == "kind"
    assert kind["plan_count"] == 49
    assert len(kind["plans"]) == PEER_LIST_LIMIT


def test_no_comparison_statement_reads_every_plan(app, client, make_plan):
    """Each organisation's current plan is one index seek, so a comparison's cost does not grow
    with the plans the portal holds (bench/RESULTS.md measures it at 100 000 documents): every
    read of plans is keyed by a plan's id or its organisation, never a pass over all
    (published) plans."""
    ids = _plans(app, make_plan, 3)
    with app.app_context():
        slugs = list(
            db.session.scalars(
                select(Organisation.slug)
                .join(Plan, Plan.organisation_id == Organisation.id)
                .where(Plan.id.in_(ids[:2]))
            )
        )
    urls = (
        f"/api/v1/plans/compare?ids={ids[0]},{ids[1]}",
        f"/api/v1/plans/compare?orgs={','.join(slugs)}",
        f"/plans/compare?ids={ids[0]},{ids[1]},{ids[2]}",
        f"/plans/compare/peers?id={ids[0]}",
        "/plans/compare/peers",
    )
    for url in urls:
        client.get(url)  # warm up
        with captured_selects(app) as statements:
            assert client.get(url).status_code == 200
        assert statements, url
        assert not unkeyed_reads(statements, "plans", ("organisation_id",)), url
