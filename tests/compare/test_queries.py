"""The comparison reads a bounded number of queries, for 2 plans as for 10, and many peers."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.orgs.models import Organisation, OrganisationKind

MATURITY = {"digital_information": (2, 4), "digital_workflow": (1, 3), "digital_dialogue": (3, 3)}
STEPS = [
    ("Steg ett", "2024-01-01", "2024-12-31", 100_000),
    ("Steg två", "2025-01-01", "2026-06-30", 200_000),
]


def _plans(app, make_plan, count: int) -> list[int]:
    with app.app_context():
        slugs = list(
            db.session.scalars(
                select(Organisation.slug)
                .where(Organisation.kind == OrganisationKind.MUNICIPALITY)
                .order_by(Organisation.slug)
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
