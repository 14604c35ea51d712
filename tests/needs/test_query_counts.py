"""Need, standard and organisation pages issue the same number of SQL queries for little and
much data."""

from __future__ import annotations

import pytest

from tests.content_fixtures import count_page_queries, populate

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
    viewer = make_user(member_of="vallentuna", role="admin")
    login_as(viewer)
    small = populate(app, 2, viewer)
    small_count = count_page_queries(client, count_queries, url.format(**small))
    # Much more of everything, including on the very need and organisation shown.
    large = populate(app, 9, viewer)
    large_count = count_page_queries(client, count_queries, url.format(**large))
    assert large_count == small_count, (url, small_count, large_count)
    assert large_count <= 20, large_count


def test_large_data_really_is_shown(app, client, login_as, make_user):
    viewer = make_user(member_of="vallentuna", role="admin")
    login_as(viewer)
    ids = populate(app, 9, viewer)
    need = client.get(f"/needs/{ids['need']}").get_data(as_text=True)
    assert need.count('class="card" id="answer-') == 9
    assert "Produkt 8" in need and "Äldre" in need
    standard = client.get("/standards/citygml").get_data(as_text=True)
    assert "Lev 9-8" in standard and "Behov 8" in standard
