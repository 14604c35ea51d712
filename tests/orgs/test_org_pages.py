"""Organisation list and profile pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from portal.extensions import db
from portal.orgs.models import Organisation


def names_on(html: str) -> list[str]:
    return re.findall(r'<td><a href="/organizations/[^"]+">([^<]+)</a>', html)


def test_list_is_paginated_and_sorted_by_name(client):
    first = client.get("/organizations").get_data(as_text=True)
    assert len(names_on(first)) == 20
    assert names_on(first) == sorted(names_on(first))
    assert 'rel="next"' in first
    last = client.get("/organizations?page=17").get_data(as_text=True)
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_filter_by_kind_and_county(client):
    html = client.get("/organizations?kind=municipality&county=09").get_data(as_text=True)
    assert names_on(html) == ["Gotland"]
    html = client.get("/organizations?kind=authority&county=01").get_data(as_text=True)
    assert names_on(html) == ["Länsstyrelsen Stockholm"]


def test_search_by_name_ignores_case_and_diacritics(client):
    assert "Malmö" in names_on(client.get("/organizations?q=MALM").get_data(as_text=True))
    assert "Malmö" in names_on(client.get("/organizations?q=malmo").get_data(as_text=True))
    assert names_on(client.get("/organizations?q=0115").get_data(as_text=True)) == ["Vallentuna"]


@pytest.mark.parametrize(
    "query", ["kind=nonsense", "county=99", "page=-3", "page=abc", "q=%25_%5C", "q=" + "x" * 5000,
              "page=99999999999999999999"],
)  # fmt: skip
def test_bad_filters_never_crash(client, query):
    assert client.get(f"/organizations?{query}").status_code == 200


def test_profile_by_slug_and_by_code(client):
    by_slug = client.get("/organizations/gotland")
    by_code = client.get("/organizations/0980")
    assert by_slug.status_code == by_code.status_code == 200
    assert "Gotlands län" in by_slug.get_data(as_text=True)
    assert client.get("/organizations/no-such-org").status_code == 404


def test_members_page_needs_login(client):
    response = client.get("/organizations/vallentuna/members")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("keep", [10, 290])
def test_list_issues_a_bounded_number_of_queries(app, client, count_queries, keep):
    with app.app_context():
        ids = db.session.scalars(select(Organisation.id).order_by(Organisation.id)).all()
        db.session.execute(delete(Organisation).where(Organisation.id.in_(ids[keep:])))
        db.session.commit()
    with count_queries() as log:
        response = client.get("/organizations?per_page=100")
    assert response.status_code == 200
    assert log.count <= 4, log.statements


def test_profile_page_issues_a_bounded_number_of_queries(
    client, count_queries, make_user, login_as
):
    user = make_user(member_of="gotland", role="admin")
    login_as(user)
    with count_queries() as log:
        assert client.get("/organizations/gotland").status_code == 200
    # Two of them for a logged-in visitor: the follow button's state and the unread badge.
    assert log.count <= 10, log.statements


def test_site_admin_lists_organisations_waiting_for_verification(client, make_user, login_as):
    applicant = make_user()
    login_as(applicant)
    client.post("/organizations/new", data={"name": "Väntande AB", "kind": "supplier"})
    client.post("/auth/logout")
    # Others do not get the filter: it is ignored for them.
    assert len(names_on(client.get("/organizations?verified=no").get_data(as_text=True))) == 20
    login_as(make_user(site_admin=True))
    html = client.get("/organizations?verified=no").get_data(as_text=True)
    assert names_on(html) == ["Väntande AB"]
