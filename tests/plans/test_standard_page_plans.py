"""A standard's page lists the public plans that adapt to it, never drafts."""

from __future__ import annotations


def test_standard_page_lists_public_plans_with_status_but_not_drafts(client, make_plan):
    make_plan("gotland", title="Gotlands plan", standards=["citygml"])
    make_plan("vallentuna", title="Vallentunas arkiverade plan", standards=["citygml"],
              status="archived")  # fmt: skip
    make_plan("malmo", title="Malmös hemliga utkast", standards=["citygml"], status="draft")
    make_plan("uppsala", title="Uppsalas plan utan CityGML", standards=["ifc-iso-16739"])
    html = client.get("/standards/citygml").get_data(as_text=True)
    assert "Gotlands plan" in html
    assert "Vallentunas arkiverade plan" in html
    assert "Malmös hemliga utkast" not in html
    assert "Uppsalas plan utan CityGML" not in html
    assert "Inte påbörjat" in html  # the adoption status, in Swedish


def test_standard_page_queries_do_not_grow_with_plans(client, make_plan, count_queries):
    make_plan("gotland", standards=["citygml"])
    with count_queries() as small:
        client.get("/standards/citygml")
    for slug in ["vallentuna", "malmo", "uppsala", "lund", "umea"]:
        make_plan(slug, standards=["citygml"])
    with count_queries() as large:
        html = client.get("/standards/citygml").get_data(as_text=True)
    assert html.count('href="/plans/') >= 6
    assert large.count == small.count, large.statements
