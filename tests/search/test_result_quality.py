"""What a search result page shows: plain-text snippets, real content before boilerplate,
organisations found by their official names, and the empty result across the page."""

from __future__ import annotations

import re

import pytest

from tests.search.support import add_org, index_now

pytestmark = pytest.mark.usefixtures("search_index")

MARKDOWN = "**Lärdomar:**\n\n- Börja med *små* steg\n- Ta med `arkivet`\n\n# Nästa steg\n\nMer."


def test_snippets_are_plain_text_without_markdown_syntax(app, client):
    with app.app_context():
        add_org("Lärdomsbolaget AB", MARKDOWN)
        index_now()
    html = client.get("/search?q=lärdomar").get_data(as_text=True)
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>Lärdomar</mark>:" in snippet and "Börja med små steg" in snippet
    assert not re.search(r"\*|`|#|(^|\n)\s*- ", snippet), snippet
    api = client.get("/api/v1/search?q=lärdomar").json["items"][0]
    assert api["snippet"].split() == [
        "Lärdomar:",
        "Börja",
        "med",
        "små",
        "steg",
        "Ta",
        "med",
        "arkivet",
        "Nästa",
        "steg",
        "Mer.",
    ]


def test_plans_rank_above_organisations_that_match_only_by_boilerplate(app, client, make_plan):
    # Every county board's description says it "granskar och kan överpröva detaljplaner".
    # A real plan says much more than the word: BM25 alone ranks the short boilerplate first.
    long_text = " ".join(f"Insats {n} gäller bygglov, geodata och e-arkiv." for n in range(40))
    summary = f"Vi digitaliserar detaljplaner. {long_text}"
    plan_id = make_plan("gotland", title="Digitala planer", summary=summary)
    with app.app_context():
        index_now()
    html = client.get("/search?q=detaljplaner").get_data(as_text=True)
    badges = re.findall(r'<span class="badge">([^<]+)</span>', html)
    assert f'href="/plans/{plan_id}"' in html
    assert "Handlingsplan" in badges and "Organisation" in badges
    first_org = badges.index("Organisation")
    assert all(b == "Organisation" for b in badges[first_org:]), badges
    assert badges.index("Handlingsplan") < first_org


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Region Gotland", "Gotland"),
        ("Vallentuna kommun", "Vallentuna"),
        ("Malmö stad", "Malmö"),
        ("Lunds kommun", "Lund"),
        ("Länsstyrelsen i Gotlands län", "Länsstyrelsen Gotland"),
    ],
)
def test_site_search_finds_organisations_by_official_names(client, query, name):
    html = client.get("/search", query_string={"q": query, "type": "organisation"}).get_data(
        as_text=True
    )
    titles = [
        re.sub(r"<[^>]+>", "", t) for t in re.findall(r'class="result-title">(.*?)</h2>', html)
    ]
    assert titles and titles[0] == name, titles


def test_nothing_found_is_said_across_the_full_width(client):
    html = client.get("/search?q=qqxyzzy").get_data(as_text=True)
    main = html[html.index("<main") : html.index("</main>")]
    assert '<p class="no-results">' in main
    assert "search-layout" not in main  # not squeezed into the facet column's grid
