"""Optimistic concurrency in the API: a PUT or PATCH with a stale If-Match is 412 and changes
nothing; with the current ETag, or without If-Match, it goes ahead; answers carry the ETag."""

from __future__ import annotations

import pytest

from tests.api.conftest import bearer
from tests.plans import conftest as plan_fixtures

make_plan = plan_fixtures.make_plan  # the plans' factory fixture, here too

PERIOD = {"period_start_year": 2025, "period_end_year": 2027}
# resource, method, the body of a first write and of a second one (changing the same field)
WRITES = [
    ("plan", "PATCH", {"title": "Första ändringen"}, {"title": "Andra ändringen"}),
    ("plan", "PUT", {**PERIOD, "title": "Första ändringen"}, {**PERIOD, "title": "Andra"}),
    ("experience", "PUT", {"title": "Första", "body": "Text"}, {"title": "Andra", "body": "Text"}),
    (
        "need",
        "PUT",
        {"title": "Första", "description": "D"},
        {"title": "Andra", "description": "D"},
    ),
    ("me", "PATCH", {"name": "Första Namnet"}, {"name": "Andra Namnet"}),
]


@pytest.fixture
def resource(make_user, make_token, make_plan, make_experience, make_need):
    """The URL of a resource of each kind and a write token of someone who may edit it."""

    def make(kind: str) -> tuple[str, dict[str, str]]:
        editor = make_user(member_of="vallentuna", role="editor")
        headers = bearer(make_token(editor, write=True))
        if kind == "plan":
            return f"/api/v1/plans/{make_plan('vallentuna', status='draft')}", headers
        if kind == "experience":
            return f"/api/v1/experiences/{make_experience('vallentuna')}", headers
        if kind == "need":
            return f"/api/v1/needs/{make_need('vallentuna')}", headers
        return "/api/v1/me", headers

    return make


@pytest.mark.parametrize(
    ("kind", "method", "first", "second"), WRITES, ids=[f"{w[1]} {w[0]}" for w in WRITES]
)
def test_a_stale_if_match_is_412_and_the_current_one_goes_ahead(
    client, resource, kind, method, first, second
):
    url, headers = resource(kind)
    read = client.get(url, headers=headers)
    etag = read.headers["ETag"]

    written = client.open(url, method=method, json=first, headers={**headers, "If-Match": etag})
    assert written.status_code == 200, written.json
    new_etag = written.headers["ETag"]
    assert new_etag != etag
    assert client.get(url, headers=headers).headers["ETag"] == new_etag  # the GET's ETag

    # Someone who read the resource before that write and saves now is refused ...
    stale = client.open(url, method=method, json=second, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json["code"] == 412
    assert (
        "changed since you read it" in stale.json["message"] or "ändrats" in stale.json["message"]
    )
    assert stale.headers["ETag"] == new_etag
    after = client.get(url, headers=headers)
    assert after.headers["ETag"] == new_etag  # ... and changed nothing.

    # With the current ETag, "*", or no If-Match at all, the write goes ahead.
    for condition in ({"If-Match": new_etag}, {"If-Match": "*"}, {}):
        again = client.open(url, method=method, json=second, headers={**headers, **condition})
        assert again.status_code == 200, (condition, again.json)


def test_the_openapi_document_tells_about_if_match_and_412(client):
    spec = client.get("/api/v1/openapi.json").json
    for path, method in [
        ("/api/v1/plans/{plan_id}", "patch"),
        ("/api/v1/plans/{plan_id}", "put"),
        ("/api/v1/experiences/{experience_id}", "put"),
        ("/api/v1/needs/{need_id}", "put"),
    ]:
        operation = spec["paths"][path][method]
        if_match = [p for p in operation["parameters"] if p.get("name") == "If-Match"]
        assert if_match and if_match[0]["required"] is False
        assert "412" in operation["responses"]
