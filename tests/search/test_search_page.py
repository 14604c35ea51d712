"""The /search page: results, facets that narrow, pagination, sorting, the query kept."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.extensions import db
from tests.search.support import add_org, index_now

pytestmark = pytest.mark.usefixtures("search_index")


def _get(client, **params) -> str:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_header_search_box_goes_to_the_search_page_from_every_page(client):
    html = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in html
    assert 'href="/search"' in html  # the main navigation


def test_results_show_type_organisation_date_and_snippet_and_keep_the_query(client):
    html = _get(client, q="bygglovet")
    assert 'value="bygglovet"' in html  # in the page's box and the header box
    assert re.search(r'role="status">\s*\d+ träffar', html)
    assert "E-tjänster för <mark>bygglov</mark> (Mittbygge)" in html
    assert '<span class="badge">Standard</span>' in html
    assert '<span class="badge">Organisation</span>' in html
    assert "<time datetime=" in html
    assert "<mark>bygglovsbeslut</mark>" in html  # the compound, highlighted in the snippet


def test_facet_narrows_the_result_and_shows_counts(client):
    html = _get(client, q="detaljplan")
    total = int(re.search(r'role="status">\s*(\d+) träffar', html).group(1))
    standard_count = int(
        re.search(r'type=standard">Standard <span class="count">\((\d+)\)', html).group(1)
    )
    assert 0 < standard_count < total
    narrowed = _get(client, q="detaljplan", type="standard")
    assert re.search(rf'role="status">\s*{standard_count} träffar', narrowed)
    assert '<span class="badge">Organisation</span>' not in narrowed
    assert 'aria-current="true"' in narrowed  # the selected value, a link that removes it
    assert '<input type="hidden" name="type" value="standard">' in narrowed


def test_organisation_kind_county_and_year_facets(client, ctx):
    add_org("Facettkommun", "Ord: facettxyz.", kind="municipality", county="09")
    index_now()
    html = _get(client, q="facettxyz")
    assert 'Kommun <span class="count">(1)</span>' in html
    assert 'Gotlands län <span class="count">(1)</span>' in html
    assert re.search(r"year=20\d\d\">20\d\d <span", html)
    assert "Facettkommun" in _get(client, q="facettxyz", county="09", kind="municipality")
    assert "0 träffar" in _get(client, q="facettxyz", county="01")


def test_standard_facet_lists_standards_by_name(client):
    html = _get(client, q="detaljplan", type="standard")
    assert "standard=bfs-2020-5" in html
    assert (
        'BFS 2020:5 – Boverkets föreskrifter om detaljplan <span class="count">(1)</span>' in html
    )


def test_pagination_and_sorting_by_date(client, ctx):
    for i in range(25):
        when = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=i)
        add_org(f"Sidtest {i:02d}", "Ord: sidtestxyz.", updated_at=when, commit=False)
    db.session.commit()
    index_now()
    first = _get(client, q="sidtestxyz")
    assert "25 träffar" in first and 'rel="next" href="/search?q=sidtestxyz&amp;page=2"' in first
    assert first.count('class="search-result"') == 20
    second = _get(client, q="sidtestxyz", page=2)
    assert second.count('class="search-result"') == 5
    assert 'value="sidtestxyz"' in second
    by_date = _get(client, q="sidtestxyz", sort="date")
    assert '<option value="date" selected>' in by_date
    assert by_date.index("Sidtest 24") < by_date.index("Sidtest 23") < by_date.index("Sidtest 05")
    assert "Sidtest 04" not in by_date  # the oldest five are on page 2
    assert "Sidtest 00" in _get(client, q="sidtestxyz", sort="date", page=2)
    beyond = _get(client, q="sidtestxyz", page=99)
    assert 'class="search-result"' not in beyond


def test_did_you_mean_links_to_the_corrected_search(client):
    html = _get(client, q="bygglv")
    assert "Menade du" in html
    assert 'href="/search?q=bygglov' in html


def test_empty_search_shows_just_the_form(client):
    html = _get(client)
    assert "<h1>Sök</h1>" in html and "träffar" not in html


def test_search_page_issues_a_bounded_number_of_queries(client, ctx, count_queries):
    _get(client, q="bygglov")  # warm up
    with count_queries() as small:
        _get(client, q="detaljplan kommun")
    counties = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14"]
    for i in range(60):
        add_org(f"Frågetest {i}", "Detaljplan i kommun.", county=counties[i % 12], commit=False)
    db.session.commit()
    index_now()
    with count_queries() as large:
        _get(client, q="detaljplan kommun")
    assert large.count == small.count
    assert large.count <= 6
