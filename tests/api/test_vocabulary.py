"""One API vocabulary, as a client sees it: `organization` everywhere, organizations by slug or
municipality code, list parameters comma-separated or repeated, every endpoint and format
documented, human group names in Swagger UI, UTF-8 JSON and messages in the asked language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from marshmallow import fields

from portal.api.common import ListArg

README = Path(__file__).resolve().parents[2] / "README.md"


METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture(scope="module")
def spec(app) -> dict:
    return app.test_client().get("/api/v1/openapi.json").json


def operations(spec: dict):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method in METHODS:
                yield path, op


def _names(node, found: set[str]) -> set[str]:
    """Every property name, parameter name and key of a JSON document, recursively."""
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key == "name" and isinstance(value, str):
                found.add(value)
            _names(value, found)
    elif isinstance(node, list):
        for value in node:
            _names(value, found)
    return found


def test_no_field_parameter_or_schema_of_the_api_says_organisation(spec):
    names = _names(spec["paths"], set()) | _names(spec["components"], set())
    assert "organization" in names
    assert sorted(n for n in names if "organis" in n.lower()) == []


@pytest.fixture
def compared(make_plan) -> dict[str, int]:
    return {slug: make_plan(slug) for slug in ("gotland", "vallentuna")}


@pytest.mark.parametrize(
    "query",
    [
        "orgs=gotland,vallentuna",
        "orgs=0980,vallentuna",  # Gotland by municipality code
        "orgs=gotland&orgs=vallentuna",
        "orgs=0980&orgs=0115",
        "orgs=Gotland, vallentuna",
    ],
)
def test_comparison_takes_organizations_by_slug_or_code_listed_either_way(client, compared, query):
    answer = client.get(f"/api/v1/plans/compare?{query}")
    assert answer.status_code == 200, answer.json
    plans = answer.json["plans"]
    assert [p["id"] for p in plans] == [compared["gotland"], compared["vallentuna"]]
    assert [p["organization"]["slug"] for p in plans] == ["gotland", "vallentuna"]
    keys = _names(answer.json, set())
    assert "organization_slug" in keys  # the peers' plans
    assert [k for k in keys if "organis" in k] == []


def test_comparison_ids_listed_either_way_and_csv_says_organization(client, compared):
    ids = list(compared.values())
    joined = client.get(f"/api/v1/plans/compare?ids={ids[0]},{ids[1]}")
    repeated = client.get(f"/api/v1/plans/compare?ids={ids[0]}&ids={ids[1]}")
    assert joined.status_code == repeated.status_code == 200
    assert joined.json == repeated.json
    as_csv = client.get(f"/api/v1/plans/compare?ids={ids[0]}&ids={ids[1]}&format=csv")
    assert as_csv.mimetype == "text/csv"
    assert as_csv.data.decode().splitlines()[0].split(",")[:3] == [
        "plan_id",
        "title",
        "organization",
    ]


def test_one_organization_named_twice_is_not_two(client, compared):
    answer = client.get("/api/v1/plans/compare?orgs=gotland,0980")
    assert answer.status_code == 422
    assert "orgs" in answer.json["errors"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("a,b", ["a", "b"]),
        (["a", "b"], ["a", "b"]),
        (["a, b", "c"], ["a", "b", "c"]),
        (["", "a,,b", " "], ["a", "b"]),
    ],
)
def test_list_parameter_accepts_commas_and_repetition(given, expected):
    assert ListArg(fields.String())._deserialize(given, "x", {}) == expected


def test_every_list_parameter_is_documented_both_ways(spec):
    lists = [
        (path, p["name"])
        for path, op in operations(spec)
        for p in op.get("parameters", [])
        if isinstance(p, dict) and p.get("in") == "query" and p["schema"].get("type") == "array"
    ]
    assert ("/api/v1/plans/compare", "orgs") in lists and ("/api/v1/search", "kind") in lists
    for path, name in lists:
        op = spec["paths"][path]["get"]
        param = next(p for p in op["parameters"] if p.get("name") == name)
        assert "comma-separated" in param["description"], (path, name)
        assert "repeated" in param["description"], (path, name)


def test_search_facets_listed_either_way_select_the_same(client):
    joined = client.get("/api/v1/search?q=plan&kind=municipality,authority")
    repeated = client.get("/api/v1/search?q=plan&kind=municipality&kind=authority")
    assert joined.status_code == repeated.status_code == 200
    assert joined.json == repeated.json


def test_comparison_csv_format_is_documented(spec):
    compare = spec["paths"]["/api/v1/plans/compare"]["get"]
    fmt = next(p for p in compare["parameters"] if p.get("name") == "format")
    assert set(fmt["schema"]["enum"]) == {"json", "csv"}
    assert {"application/json", "text/csv"} <= set(compare["responses"]["200"]["content"])
    assert (
        "text/csv"
        in spec["paths"]["/api/v1/plans/compare.csv"]["get"]["responses"]["200"]["content"]
    )


def test_every_collection_endpoint_is_in_the_readme(spec):
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## JSON API", 1)[1].split("\n## ", 1)[0]
    paths = [p for p in spec["paths"] if "{" not in p]
    assert "/api/v1/plans/compare" in paths
    for path in paths:
        assert re.search(re.escape(path) + r"(?![\w./-])", section), path


def test_swagger_ui_groups_have_human_names_and_descriptions(spec):
    listed = {t["name"]: t.get("description") for t in spec["tags"]}
    used = {t for _path, op in operations(spec) for t in op["tags"]}
    assert used == set(listed)
    assert {"Organizations", "Current user", "Plan comparison", "Action plans"} <= used
    for name, description in listed.items():
        assert not name.startswith("api_") and name[0].isupper(), name
        assert description, name


def test_json_is_utf8_without_escapes(client):
    api = client.get("/api/v1/organizations/1480")
    assert api.json["name"] == "Göteborg"
    assert "Göteborg".encode() in api.data and b"\\u00f6" not in api.data
    spec_bytes = client.get("/api/v1/openapi.json").data
    assert b"\\u" not in spec_bytes
    # A page's JSON error, as a script asking for JSON gets it.
    page = client.get(
        "/organizations/nowhere",
        headers={"Accept": "application/json", "Accept-Language": "en"},
    )
    assert page.status_code == 404 and page.is_json
    sv = client.get("/api/v1/plans/compare?ids=1", headers={"Accept-Language": "sv"})
    assert "Välj".encode() in sv.data and b"\\u00e4" not in sv.data


@pytest.mark.parametrize(
    ("accept_language", "language", "message"),
    [
        (None, "en", "No such organisation."),
        ("sv", "sv", "Organisationen finns inte."),
        ("sv-SE,sv;q=0.9,en;q=0.5", "sv", "Organisationen finns inte."),
        ("de-DE,en;q=0.5", "en", "No such organisation."),
        ("de", "en", "No such organisation."),
    ],
)
def test_api_errors_speak_the_language_the_client_asks_for(
    client, accept_language, language, message
):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    answer = client.get("/api/v1/organizations/nowhere", headers=headers)
    assert answer.status_code == 404
    assert answer.json["message"] == message
    assert answer.headers["Content-Language"] == language
    assert "Accept-Language" in answer.headers["Vary"]


def test_api_ignores_the_page_language_cookie_but_pages_follow_it(client):
    client.set_cookie("lang", "sv")
    assert client.get("/api/v1/organizations/nowhere").json["message"] == "No such organisation."
    docs = client.get("/api/v1/docs", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="sv">' in docs


@pytest.mark.parametrize(
    ("accept_language", "message"), [("en", "Page not found"), ("sv", "Sidan hittades inte")]
)
def test_stock_http_errors_are_translated_too(client, accept_language, message):
    answer = client.get("/api/v1/nothing-here", headers={"Accept-Language": accept_language})
    assert answer.status_code == 404
    assert answer.json["message"] == message


def test_openapi_document_states_the_language_rule(spec):
    assert "Accept-Language" in spec["info"]["description"]
