"""The findings of issue 18 about hostile input (2, 3 and 5), one by one, as a client sees them.

tests/test_hostile_input_walk.py sends the same values everywhere; these name the places the
probe found and check the answers' content, not only that they are not 5xx.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.accounts.models import User
from portal.core.boundary import MAX_JSON_DEPTH, PortalForm, json_depth, parse_id
from portal.experiences.models import Experience
from portal.extensions import db
from tests.api.conftest import bearer, make_token  # noqa: F401  (make_token is a fixture)
from tests.route_world import build_route_world

BEYOND = ["2147483648", "99999999999999999999"]  # 2**31 (PostgreSQL), 10**20 (SQLite)
NOT_ALLOWED = "inte är tillåtna"  # "not allowed": pages are in Swedish unless asked otherwise


@pytest.fixture
def world(app, make_user):
    return build_route_world(app, make_user)


# --- finding 3: integers out of range ------------------------------------------------------


ID_PAGES = [
    "/plans/{id}",
    "/plans/{id}/history",
    "/plans/{id}/edit",
    "/plans/{plan}/revisions/{id}",
    "/plans/{id}/history/compare",
    "/experiences/{id}",
    "/experiences/{id}/edit",
    "/needs/{id}",
    "/needs/{id}/edit",
    "/needs/{need}/answers/{id}/edit",
    "/api/v1/plans/{id}",
    "/api/v1/plans/{plan}/revisions/{id}",
    "/api/v1/experiences/{id}",
]
ID_ACTIONS = [
    "/plans/{id}/publish",
    "/plans/{id}/archive",
    "/experiences/{id}/comments",
    "/needs/{id}/backings",
    "/needs/{id}/answers",
    "/needs/{need}/answers/{id}/accept",
    "/organizations/vallentuna/members/{id}/decide",
    "/account/tokens/{id}/revoke",
    "/api/v1/plans/{id}/publish",
]


@pytest.mark.parametrize("value", BEYOND)
def test_ids_beyond_the_database_are_404_on_pages_and_actions(world, login_as, value):
    client = login_as(world.owner_id)
    ids = {"plan": world.by_name["plan_id"], "need": world.by_name["need_id"], "id": value}
    for template in ID_PAGES:
        response = client.get(template.format(**ids))
        assert response.status_code == 404, (template, response.status_code)
    for template in ID_ACTIONS:
        response = client.post(template.format(**ids), data={"body": "x"})
        assert response.status_code == 404, (template, response.status_code)


def test_an_id_beyond_the_database_is_the_apis_usual_404(client):
    response = client.get(f"/api/v1/plans/{BEYOND[1]}")
    assert response.status_code == 404
    assert response.json["code"] == 404 and response.json["status"] == "Not Found"


def test_a_unicode_digit_in_page_numbers_and_ids_is_not_a_number(client):
    """ "²" is a digit to str.isdigit() and not to int(): the lists show their first page."""
    for url in ("/plans", "/experiences", "/needs", "/organizations", "/standards"):
        response = client.get(url, query_string={"page": "²"})
        assert response.status_code == 200, url
    assert client.get("/plans/compare/peers", query_string={"id": "²"}).status_code == 404
    assert client.get("/plans/compare", query_string={"ids": "²"}).status_code == 422


def test_parse_id_takes_only_ascii_ids_in_range():
    assert [parse_id(v) for v in ("1", "2147483647", "0", "2147483648", "²", "-1", "")] == [
        1,
        2**31 - 1,
        None,
        None,
        None,
        None,
        None,
    ]


# --- finding 2: NUL bytes (and lone surrogates) ------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/plans?q=a%00",
        "/organizations?q=a%00",
        "/standards?q=a%00",
        "/experiences?tag=a%00",
        "/plans?org=a%00",
        "/plans/compare?q=a%00",
        "/needs?standard=a%00",
        "/auth/login?next=%00",
    ],
)
def test_nul_in_a_query_is_a_422_page_that_says_why(client, url):
    response = client.get(url)
    assert response.status_code == 422
    assert NOT_ALLOWED in response.get_data(as_text=True)


def test_nul_in_an_api_query_is_the_apis_usual_422(client):
    response = client.get("/api/v1/plans?q=a%00")
    assert response.status_code == 422
    assert response.json["code"] == 422 and "q" in response.json["errors"]


@pytest.mark.parametrize("url", ["/organizations/a%00", "/standards/a%00", "/language/s%00v"])
def test_nul_in_a_path_matches_no_page(client, url):
    assert client.get(url).status_code == 404


def _submit(client, url: str, data: dict):
    response = client.post(url, data=data)
    assert response.status_code == 422, (url, response.status_code)
    page = response.get_data(as_text=True)
    assert NOT_ALLOWED in page, url
    assert "\x00" not in page, "the refused character is shown back"
    return page


def test_login_and_registration_refuse_nul_on_the_field(app, client):
    _submit(client, "/auth/login", {"email": "a\x00@example.com", "password": "x" * 12})
    page = _submit(
        client,
        "/auth/register",
        {
            "name": "Eva\x00",
            "email": "eva@example.com",
            "password": "correct horse battery",
            "confirm": "correct horse battery",
        },
    )
    assert 'value="Eva"' in page, "the rest of the text is kept"
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "eva@example.com")) is None


def test_logged_in_forms_refuse_nul_and_store_nothing(app, world, login_as):
    client = login_as(world.owner_id)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Experience))
    _submit(client, "/experiences/new", {"title": "Lärdom\x00", "body": "Text"})
    _submit(client, "/account", {"name": "Ny\x00"})
    _submit(client, "/account/tokens", {"name": "t\x00"})
    _submit(client, "/organizations/new", {"name": "Bolag\x00 AB", "kind": "supplier"})
    _submit(client, f"/needs/{world.by_name['need_id']}/edit", {"title": "x\x00"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Experience)) == before


def test_a_number_beyond_the_database_is_refused_on_its_field(world, login_as):
    client = login_as(world.owner_id)
    response = client.post(
        "/experiences/new",
        data={"title": "Lärdom", "body": "Text", "standard_ids": BEYOND[1]},
    )
    assert response.status_code == 422
    assert "utanför det intervall" in response.get_data(as_text=True)  # "outside the range"


def test_every_form_of_the_portal_is_a_portal_form():
    """A new form refuses hostile text without anyone remembering to: or this fails."""
    from flask_wtf import FlaskForm

    create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found, pending = [], list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.startswith("portal."):
            found.append(form)
    assert len(found) >= 20
    assert [f.__qualname__ for f in found if not issubclass(f, PortalForm)] == []


# --- finding 5: deep and oversized JSON --------------------------------------------------------


def test_deeply_nested_json_is_a_400_with_the_apis_body(client, world, make_token):  # noqa: F811
    headers = bearer(make_token(world.owner_id, write=True))
    response = client.post(
        "/api/v1/experiences", data="[" * 1000, content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert response.json["code"] == 400 and str(MAX_JSON_DEPTH) in response.json["message"]


def test_json_nested_within_the_bound_reaches_the_schema(client, world, make_token):  # noqa: F811
    headers = bearer(make_token(world.owner_id, write=True))
    body = '{"title": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + "}"
    response = client.post(
        "/api/v1/experiences", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == 422  # the schema's answer about the fields


def test_an_oversized_json_body_is_a_413_with_the_apis_body(app, client):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post(
        "/api/v1/experiences", data=b"[" + b" " * size + b"]", content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json["code"] == 413


def test_json_depth_counts_brackets_outside_strings():
    assert json_depth(b'{"a": [1, {"b": "[[[[\\"{{"}]}') == 3
    assert json_depth(b"[]") == 1
    assert json_depth(b'"x"') == 0
