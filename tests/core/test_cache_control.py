"""Finding 6 of issue 18: what depends on who asks is private, no-store; public pages are not."""

from __future__ import annotations

import pytest

from tests.api.conftest import bearer, make_token  # noqa: F401  (make_token is a fixture)
from tests.route_world import OWNER_ORG, build_route_world

PRIVATE = "private, no-store"


@pytest.fixture
def world(app, make_user):
    return build_route_world(app, make_user)


def personal_pages(world) -> list[str]:
    plan, experience = world.by_name["plan_id"], world.by_name["experience_id"]
    return [
        "/account",
        "/account/tokens",
        f"/experiences/{experience}",  # a draft, seen by a member
        f"/experiences/{experience}/edit",
        f"/plans/{plan}/edit",
        f"/organizations/{OWNER_ORG}/members",
        "/plans",  # a public list, but its layout names who is logged in
    ]


def test_every_page_seen_logged_in_is_private_no_store(world, login_as):
    client = login_as(world.owner_id)
    for url in personal_pages(world):
        response = client.get(url)
        assert response.status_code < 400, url
        assert response.headers.get("Cache-Control") == PRIVATE, url


def test_api_answers_to_a_token_are_private_no_store(client, world, make_token):  # noqa: F811
    headers = bearer(make_token(world.owner_id))
    draft = f"/api/v1/experiences/{world.by_name['experience_id']}"
    for url in ("/api/v1/me", draft, "/api/v1/plans"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == PRIVATE, url


def test_anonymous_public_answers_keep_their_headers(client, world):
    for url in ("/plans", f"/plans/{world.by_name['plan_id']}", "/api/v1/plans", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "private" not in response.headers.get("Cache-Control", ""), url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url


def test_static_files_stay_cacheable_for_someone_logged_in(world, login_as):
    client = login_as(world.owner_id)
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
