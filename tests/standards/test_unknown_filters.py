"""A filter value that names nothing is said so on the experiences and needs lists, and the list
shows nothing, instead of silently dropping the filter and showing everything as if it matched."""

from __future__ import annotations

import pytest

from tests.content_fixtures import make_experience, make_need  # noqa: F401

LISTS = {
    "/experiences": "Förankra arbetet",
    "/needs": "Export av detaljplaner",
}


@pytest.fixture
def published(make_experience, make_need):  # noqa: F811
    make_experience(standards=["nationella-geodataplattformen"])
    make_need(standard="nationella-geodataplattformen")


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("standard=finns-inte", "Standard: ”finns-inte”"),
        ("county=99", "Län: ”99”"),
        ("kind=planet", "Typ av organisation: ”planet”"),
    ],
)
def test_unknown_filter_value_is_said_and_matches_nothing(client, published, url, query, named):
    page = client.get(f"{url}?{query}").get_data(as_text=True)
    assert 'role="alert"' in page and "inte känner till" in page
    assert named in page
    assert LISTS[url] not in page  # the item would be listed without the filter


@pytest.mark.parametrize("url", LISTS)
def test_known_filter_values_list_what_matches_without_an_alert(client, published, url):
    page = client.get(f"{url}?standard=nationella-geodataplattformen&county=01").get_data(
        as_text=True
    )
    assert "inte känner till" not in page
    assert LISTS[url] in page


@pytest.mark.parametrize(
    ("url", "shown_without_filter"),
    [
        ("/organizations?q=Vallentuna&kind=planet", 'href="/organizations/vallentuna"'),
        ("/organizations?q=Vallentuna&county=99", 'href="/organizations/vallentuna"'),
        ("/standards?kind=planet", 'href="/standards/nationella-geodataplattformen"'),
    ],
)
def test_organisations_and_standards_say_an_unknown_filter_value(client, url, shown_without_filter):
    page = client.get(url).get_data(as_text=True)
    assert 'role="alert"' in page and "inte känner till" in page
    assert shown_without_filter not in page.split('role="alert"')[1]
    without = url.replace("&kind=planet", "").replace("&county=99", "").replace("?kind=planet", "")
    assert shown_without_filter in client.get(without).get_data(as_text=True)
