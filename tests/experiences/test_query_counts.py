"""Experience pages issue the same number of SQL queries for little and much data."""

from __future__ import annotations

import pytest

from tests.content_fixtures import assert_bounded_queries, populate

PAGES = [
    "/experiences",
    "/experiences?tag=delad&kind=municipality",
    "/experiences/{experience}",
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
    experience = client.get(f"/experiences/{ids['experience']}").get_data(as_text=True)
    assert "Kommentar 8" in experience
