"""The "most backed" order is read in two parts (backed needs from the backings, the rest in
index order); page by page it must give exactly the order of sorting every need by its count
of backings, then newest first."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.needs import services
from portal.needs.models import AdaptationNeed
from portal.orgs.models import OrganisationKind
from tests.content_fixtures import org, user
from tests.query_plans import captured_selects, unkeyed_reads

OWNERS = ["vallentuna", "gotland", "lantmateriet", "malmo", "uppsala", "umea", "lund", "skr"]
# Need (by position in OWNERS) -> organisations backing it.
BACKERS = {1: ["skr", "umea"], 3: ["skr"], 4: ["skr", "umea", "lund"], 6: ["skr"]}


@pytest.fixture
def needs(app, make_user, make_need) -> list[int]:
    ids = [make_need(owner, title=f"Behov {i}") for i, owner in enumerate(OWNERS)]
    editors = {
        slug: make_user(member_of=slug, role="editor")
        for slugs in BACKERS.values()
        for slug in slugs
    }
    with app.app_context():
        for position, slugs in BACKERS.items():
            need = db.session.get(AdaptationNeed, ids[position])
            for slug in slugs:
                services.back_need(user(editors[slug]), need, org(slug))
        db.session.commit()
    return ids


def _every_page(fetch, per_page: int) -> tuple[list[int], set[int]]:
    seen, totals, page = [], set(), 1
    while True:
        result = fetch(page, per_page)
        totals.add(result.total)
        if not result.items:
            return seen, totals
        assert len(result.items) <= per_page
        seen.extend(n.id for n in result.items)
        page += 1


FILTERS = [
    services.NeedFilter(),
    services.NeedFilter(kind=OrganisationKind.MUNICIPALITY),
    services.NeedFilter(county_code="09"),
]


@pytest.mark.parametrize("filters", FILTERS, ids=["all", "municipalities", "gotland"])
@pytest.mark.parametrize("per_page", [1, 2, 3, 5, 20])
def test_pages_of_the_most_backed_order_are_the_full_order(app, needs, filters, per_page):
    with app.app_context():
        expected = list(db.session.scalars(services._need_query(filters)).unique())
        counts = [n.backing_count for n in expected]
        assert counts == sorted(counts, reverse=True) and counts[0] > 0
        seen, totals = _every_page(
            lambda page, size: services.list_needs(filters, page=page, per_page=size), per_page
        )
        assert seen == [n.id for n in expected]
        assert totals == {len(expected)}


@pytest.mark.parametrize("per_page", [1, 2, 4])
def test_suppliers_unanswered_list_keeps_the_most_backed_order(
    app, needs, make_answer, make_supplier, per_page
):
    supplier = make_supplier()
    make_answer(needs[4], supplier)
    make_answer(needs[2], supplier)
    with app.app_context():
        supplier_ids = [org(supplier).id]
        everything = services._need_query(services.NeedFilter(active_only=True, sort="backed"))
        expected = [
            n.id
            for n in db.session.scalars(everything).unique()
            if n.id not in (needs[4], needs[2])
        ]
        seen, totals = _every_page(
            lambda page, size: services.list_needs_for_suppliers(
                services.NeedFilter(), supplier_ids, unanswered_only=True, page=page, per_page=size
            ),
            per_page,
        )
        assert seen == expected
        assert totals == {len(OWNERS) - 2}


def test_the_order_is_not_made_by_sorting_every_need(app, client, needs):
    """Only the backed needs are sorted; the others are read in index order and stop at the
    page (the database's query plan: no sort over a pass of all needs)."""
    for url in ("/needs", "/needs?page=2", "/api/v1/needs?per_page=3&page=2"):
        client.get(url)
        with captured_selects(app) as statements:
            assert client.get(url).status_code == 200
        assert statements
        assert not unkeyed_reads(statements, "adaptation_needs", sorted_only=True), url
