"""Organisations are found by their official and everyday names, not only the register's
short name: in the organisation search, the plans filter and the comparison's search; and a
plans filter that names nothing says so instead of showing every plan."""

from __future__ import annotations

import re

import pytest

from portal.orgs.names import name_aliases
from tests.orgs.test_org_pages import names_on
from tests.plans.test_pages import titles

FORMS = [
    ("Region Gotland", "Gotland"),
    ("Vallentuna kommun", "Vallentuna"),
    ("Malmö stad", "Malmö"),
    ("Lunds kommun", "Lund"),
    ("Stockholms stad", "Stockholm"),
    ("Länsstyrelsen i Gotlands län", "Länsstyrelsen Gotland"),
]


def test_aliases_are_derived_from_the_register():
    assert name_aliases("municipality", "Gotland", "0980", "Gotlands län") == [
        "Gotland kommun", "Gotlands kommun", "Gotland stad", "Gotlands stad", "Region Gotland",
    ]  # fmt: skip
    # Only a municipality alone in its county is a region; names ending in s keep their form.
    assert "Region Borås" not in name_aliases(
        "municipality", "Borås", "1490", "Västra Götalands län"
    )
    assert name_aliases("municipality", "Borås", "1490", None) == ["Borås kommun", "Borås stad"]
    assert name_aliases("authority", "Boverket", None, None) == []
    assert name_aliases("supplier", "Vallentuna kommun AB", None, None) == []


@pytest.mark.parametrize(("query", "name"), FORMS)
def test_organisation_search_finds_official_names(client, query, name):
    html = client.get("/organizations", query_string={"q": query}).get_data(as_text=True)
    assert names_on(html) == [name]


def test_plans_filter_and_comparison_search_take_official_names(client, make_plan):
    make_plan("vallentuna", title="Vallentunas plan")
    make_plan("malmo", title="Malmös plan")
    make_plan("gotland", title="Gotlands plan")
    for query, title in (
        ("Vallentuna kommun", "Vallentunas plan"),
        ("Region Gotland", "Gotlands plan"),
    ):
        html = client.get("/plans", query_string={"org": query}).get_data(as_text=True)
        assert titles(html) == [title]
        assert 'role="alert"' not in html
    html = client.get("/plans/compare", query_string={"q": "Malmö stad"}).get_data(as_text=True)
    assert "Malmö: Malmös plan" in html and "Vallentunas plan" not in html


@pytest.mark.parametrize(
    ("query", "shown"),
    [("org=nonexistent", "nonexistent"), ("standard=nope", "nope"), ("county=99", "99")],
)
def test_unknown_plans_filter_is_said_and_matches_nothing(client, make_plan, query, shown):
    make_plan("vallentuna", title="Vallentunas plan")
    html = client.get(f"/plans?{query}").get_data(as_text=True)
    alert = re.search(r'<div class="[^"]*unknown-filter" role="alert">(.*?)</div>', html, re.S)
    assert alert and f"”{shown}”" in alert.group(1)
    assert titles(html) == []
    assert re.search(r'role="status">\s*0 planer', html)
