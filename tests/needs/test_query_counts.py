"""Need, standard and organisation pages issue the same number of SQL queries for little and
much data."""

from __future__ import annotations

import pytest

from tests.content_fixtures import assert_bounded_queries, populate

PAGES = [
    "/needs",
    "/needs?sort=newest&standard=citygml&county=01",
    "/needs/for-suppliers",
    "/needs/for-suppliers?unanswered=1",
    "/needs/{need}",
    "/standards",
    "/standards/citygml",
    "/organizations/{org}",
    "/organizations/{supplier}",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_issue_a_bounded_number_of_queries(
    app, client, login_as, make_user, count_queries, url
):
    assert_bounded_queries(app, client, login_as, make_user, count_queries, url)


def test_large_data_really_is_shown(app, client, login_as, make_user):
    viewer = make_user(member_of="vallentuna", role="admin")
    login_as(viewer)
    ids = populate(app, 9, viewer)
    need = client.get(f"/needs/{ids['need']}").get_data(as_text=True)
    assert need.count('class="card" id="answer-') == 9
    assert "Produkt 8" in need and "Äldre" in need
    standard = client.get("/standards/citygml").get_data(as_text=True)
    assert "Lev 9-8" in standard and "Behov 8" in standard
