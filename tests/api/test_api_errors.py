"""Every error under /api/ is JSON of one shape; bad input is 4xx, never 500."""

from __future__ import annotations

import pytest

from tests.api.conftest import bearer


def assert_error(response, code: int, status: str) -> dict:
    assert response.status_code == code, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert body["code"] == code and body["status"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"code", "status", "message", "errors"}
    return body


def test_unknown_organisation_is_404(client):
    assert_error(client.get("/api/v1/organizations/no-such-org"), 404, "Not Found")
    assert_error(client.get("/api/v1/organizations/9999"), 404, "Not Found")


@pytest.mark.parametrize("key", ["a%00b", "x" * 500, "%F0%9F%92%A9"])
def test_odd_keys_are_404_not_500(client, key):
    assert_error(client.get(f"/api/v1/organizations/{key}"), 404, "Not Found")
    assert_error(client.get(f"/api/v1/standards/{key}"), 404, "Not Found")


def test_wrong_method_is_405_with_allow_header(client):
    response = client.delete("/api/v1/organizations/gotland")
    assert_error(response, 405, "Method Not Allowed")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}


def test_me_without_token_is_401_with_a_bearer_challenge(client):
    response = client.get("/api/v1/me")
    assert_error(response, 401, "Unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer ptk_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "ptk_abc", "Bearer x" * 100],
)
def test_a_bad_authorization_header_is_401_even_on_public_reads(client, header):
    response = client.get("/api/v1/organizations", headers={"Authorization": header})
    assert_error(response, 401, "Unauthorized")
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_invalid_query_values_are_422_naming_the_field(client):
    body = assert_error(
        client.get("/api/v1/organizations?per_page=abc&kind=planet&county=Gotland"),
        422,
        "Unprocessable Entity",
    )
    assert set(body["errors"]) == {"per_page", "kind", "county"}
    assert all(isinstance(v, list) and v for v in body["errors"].values())


@pytest.mark.parametrize("query", ["page=0", "per_page=-5", "page=1.5", "q=a%00b"])
def test_out_of_range_query_values_are_422(client, query):
    assert_error(client.get(f"/api/v1/organizations?{query}"), 422, "Unprocessable Entity")


@pytest.mark.parametrize("query", ["page=" + "9" * 40, "per_page=" + "9" * 40])
def test_huge_integers_are_clamped_not_500(client, query):
    response = client.get(f"/api/v1/organizations?{query}")
    assert response.status_code == 200
    assert response.json["per_page"] <= 100


def test_unknown_query_parameters_are_ignored(client):
    assert client.get("/api/v1/organizations?_=12345").status_code == 200


@pytest.fixture
def writer(make_user, make_token) -> dict[str, str]:
    return bearer(make_token(make_user(), write=True))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "is_site_admin": True}, "is_site_admin"),
        ({"name": 12}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "a\u0000b"}, "name"),
        ({"email_notifications": "hourly"}, "email_notifications"),
        ([1, 2], "_schema"),
    ],
)
def test_invalid_json_bodies_are_422_naming_the_field(client, writer, body, field):
    response = client.patch("/api/v1/me", json=body, headers=writer)
    result = assert_error(response, 422, "Unprocessable Entity")
    assert field in result["errors"]


def test_service_validation_errors_are_422_naming_the_field(client, writer):
    result = assert_error(
        client.patch("/api/v1/me", json={"name": "   "}, headers=writer),
        422,
        "Unprocessable Entity",
    )
    assert "name" in result["errors"]


def test_malformed_json_is_400(client, writer):
    response = client.patch(
        "/api/v1/me", data='{"name": ', content_type="application/json", headers=writer
    )
    assert_error(response, 400, "Bad Request")


def test_huge_integers_in_paths_are_404(client, writer):
    response = client.delete("/api/v1/tokens/" + "9" * 40, headers=writer)
    assert_error(response, 404, "Not Found")


def test_unknown_api_path_is_json_404(client):
    assert_error(client.get("/api/v1/nothing-here"), 404, "Not Found")
