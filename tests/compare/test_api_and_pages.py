"""The comparison through the API (JSON and CSV) and the page, without JavaScript."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.orgs.models import Organisation
from portal.plans.models import Plan


def test_gotland_and_vallentuna_compared_with_budgets_from_steps(client, demo):
    answer = client.get("/api/v1/plans/compare?orgs=gotland,vallentuna")
    assert answer.status_code == 200
    body = answer.json
    gotland, vallentuna = body["plans"]
    assert gotland["id"] == demo["gotland"] and vallentuna["id"] == demo["vallentuna"]
    assert gotland["organization"]["county"] == {"code": "09", "name": "Gotlands län"}
    assert gotland["organization"]["population"] == 60_971
    # Gotland: one step carries the public 26 MSEK; Vallentuna's costs are not public.
    assert gotland["budget"]["total_sek"] == 26_000_000
    assert sum(gotland["budget"]["by_year"].values()) == 26_000_000
    assert vallentuna["budget"] == {"total_sek": 0, "by_year": {}, "per_inhabitant_sek": None}
    assert gotland["period"] == {"start_year": 2018, "end_year": 2021}
    # Aligned: every plan has every dimension of the comparison.
    keys = [d["key"] for d in body["dimensions"]]
    assert list(gotland["maturity"]) == list(vallentuna["maturity"]) == keys
    assert {b["plan_id"] for b in body["benchmark"]} == {demo["gotland"], demo["vallentuna"]}
    kind = body["benchmark"][0]["groups"][0]
    assert kind["group"] == "kind" and kind["plan_count"] == len(kind["plans"])
    assert demo["gotland"] not in [p["id"] for p in kind["plans"]]
    # The same by ids.
    by_ids = client.get(f"/api/v1/plans/compare?ids={demo['gotland']},{demo['vallentuna']}")
    assert by_ids.json["plans"] == body["plans"]


def test_csv_has_one_row_per_plan_and_what_the_page_shows(client, demo):
    ids = f"{demo['gotland']},{demo['vallentuna']},{demo['exempelkommunen']}"
    for url in (
        f"/api/v1/plans/compare.csv?ids={ids}",
        f"/api/v1/plans/compare?ids={ids}&format=csv",
    ):
        answer = client.get(url)
        assert answer.status_code == 200
        assert answer.mimetype == "text/csv"
        assert not answer.data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(answer.data.decode())))
        assert [r["plan_id"] for r in rows] == ids.split(",")
        gotland, _vallentuna, exempel = rows
        assert gotland["organization"] == "Gotland" and gotland["kind"] == "municipality"
        assert gotland["budget_total_sek"] == "26000000"
        assert gotland["budget_per_inhabitant_sek"] == "426.4"
        years = [int(gotland[f"budget_{y}_sek"]) for y in range(2018, 2022)]
        assert sum(years) == 26_000_000
        assert gotland["digital_information_current"] == ""  # Gotland has no self-assessment
        assert exempel["digital_information_current"] == "2"
        assert exempel["digital_information_target"] == "4"
        assert exempel["standard_nationella-geodataplattformen"] == "not_started"
        steps = [exempel[f"steps_{s}"] for s in ("planned", "ongoing", "done", "cancelled")]
        assert steps == ["2", "1", "1", "0"]
    # The page's download in English is the API's file.
    client.set_cookie("lang", "en")
    assert client.get(f"/plans/compare?ids={ids}&format=csv").data == answer.data

    # In Swedish the page offers the file for Swedish Excel, which the API gives on request.
    client.set_cookie("lang", "sv")
    page_csv = client.get(f"/plans/compare?ids={ids}&format=csv").data
    assert client.get(f"/api/v1/plans/compare.csv?ids={ids}&dialect=excel-sv").data == page_csv
    assert page_csv.startswith(b"\xef\xbb\xbf")
    text = page_csv.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert len(header) == len(rows[0]) and header[:3] == ["Plannummer", "Plan", "Organisation"]
    svenska = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert svenska[0]["Budget per invånare (kr)"] == "426,4"
    assert svenska[0]["Typ"] == "Kommun" and svenska[0]["Status"] == "Publicerad"
    assert svenska[2]["Digital information: nuvarande nivå"] == "2"
    assert svenska[2]["Nationella geodataplattformen (NGP)"] == "Inte påbörjat"
    assert svenska[2]["Steg: Klart"] == "1"


@pytest.mark.parametrize(
    "query",
    ["ids=1", "ids=1,2,3,4,5,6,7,8,9,10,11", "ids=abc", "orgs=gotland", "", "ids=,"],
)
def test_wrong_number_or_form_of_plans_is_422(client, query):
    answer = client.get(f"/api/v1/plans/compare?{query}")
    assert answer.status_code == 422
    assert answer.json["message"]


def test_plans_the_client_may_not_see_are_404(client, demo):
    with client.application.app_context():
        draft = db.session.scalar(
            select(Plan.id)
            .join(Organisation)
            .where(Organisation.slug == "exempelkommunen", Plan.status == "draft")
        )
    answer = client.get(f"/api/v1/plans/compare?ids={demo['gotland']},{draft}")
    assert answer.status_code == 404
    assert client.get("/api/v1/plans/compare?orgs=gotland,nowhere").status_code == 404
    assert client.get(f"/plans/compare?ids={demo['gotland']},{draft}").status_code == 404


def test_choosing_plans_without_javascript(client, demo):
    # From a plan's "compare with..." link: one plan chosen, search for another organisation.
    page = client.get(f"/plans/compare?ids={demo['gotland']}&q=vallen")
    assert page.status_code == 200
    html = page.data.decode()
    assert f'name="ids" value="{demo["gotland"]}" checked' in html
    assert f'name="ids" value="{demo["vallentuna"]}">' in html
    assert "<svg" not in html
    # Ticking Vallentuna (and a fictional plan) and submitting the same GET form.
    page = client.get(
        f"/plans/compare?ids={demo['gotland']}&ids={demo['vallentuna']}"
        f"&ids={demo['exempelkommunen']}"
    )
    html = page.data.decode()
    assert page.status_code == 200
    assert "DiSa" in html and "Handlingsplan för digital samhällsbyggnadsprocess" in html
    assert 'role="img"' in html and '<title id="chart-title">' in html
    assert "26\u00a0000\u00a0000\u00a0kr" in html
    assert "format=csv" in html
    # Too many plans: a clear message, nothing lost.
    many = ",".join(str(i) for i in range(1, 12))
    too_many = client.get(f"/plans/compare?ids={many}")
    assert too_many.status_code == 422
    assert "11" in too_many.data.decode()


def test_plans_list_lets_you_tick_plans_to_compare(client, demo):
    html = client.get("/plans").data.decode()
    assert re.search(r'<form method="get" action="/plans/compare"', html)
    assert f'name="ids" value="{demo["gotland"]}"' in html


def test_peers_page_names_the_plans_behind_the_medians(client, demo):
    page = client.get(f"/plans/compare/peers?id={demo['exempelkommunen']}")
    assert page.status_code == 200
    html = page.data.decode()
    assert "Provkommunen" in html and "Gotland" in html
    assert client.get("/plans/compare/peers?id=abc").status_code == 404
    assert client.get("/plans/compare/peers?id=999999").status_code == 404


def test_organisation_page_shows_the_population(client):
    html = client.get("/organizations/gotland").data.decode()
    assert "Folkmängd 31 dec 2024: 60\u00a0971 (SCB)" in html


def test_population_is_seeded_idempotently(app):
    from portal.seed import seed_reference

    with app.app_context():
        report = seed_reference()
        assert "municipalities" not in report.updated and "municipalities" not in report.created
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "vallentuna"))
        assert (org.population, org.population_year) == (35_119, 2024)
        db.session.rollback()


def test_peers_without_a_plan_offers_a_choice(client, demo):
    html = client.get("/plans/compare/peers").data.decode()
    assert f'<option value="{demo["provkommunen"]}">Provkommunen:' in html
