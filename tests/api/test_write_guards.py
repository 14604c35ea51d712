"""Every API write is guarded, whether or not its handler remembers to be.

The routes come from `app.url_map`: a new write under /api/ is covered without editing this
file. Each is called on real objects of organisation A (tests/route_world.py) with a body
built from the route's own request schema, so that what refuses is the guard or the service,
never the body's validation.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
import pytest
from flask import Flask
from marshmallow import fields, validate
from werkzeug.routing import Rule

from portal import create_app
from tests.api.conftest import bearer
from tests.conftest import shared_world
from tests.route_world import OWNER_ORG, build_route_world

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# Writes that act on the caller's own account, never on an organisation's data: another
# organisation's token may use them (on its own account), so the outsider check skips them.
OWN_ACCOUNT_WRITES = {
    ("PATCH", "/api/v1/me"): "changes the caller's own display name",
    ("POST", "/api/v1/me/follows"): "the caller follows something public, for themselves",
    ("POST", "/api/v1/me/notifications/read"): "marks the caller's own notifications read",
}


def api_writes() -> list[tuple[str, str]]:
    """Every (method, rule) under /api/ that is not a read."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    writes = sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - SAFE_METHODS
    )
    assert writes, "no API writes found in the URL map"
    return writes


WRITES = api_writes()


def test_the_walk_covers_the_known_writes():
    """The walk sees the writes it is meant to (guards against an empty or partial map)."""
    assert len(WRITES) >= 22
    assert ("PUT", "/api/v1/experiences/<int:experience_id>") in WRITES
    assert ("POST", "/api/v1/plans/<int:plan_id>/archive") in WRITES


def _rule(app: Flask, method: str, path: str) -> Rule:
    return next(r for r in app.url_map.iter_rules() if r.rule == path and method in r.methods)


# --- a valid body from the route's own schema ------------------------------------------------

# Values chosen by field name where the type alone would not pass validation.
VALUES_BY_NAME: dict[str, Any] = {
    "organization": OWNER_ORG,
    "period_start_year": 2025,
    "period_end_year": 2026,
    "accepted": True,
}


def _example(name: str, field: fields.Field) -> Any:
    if name in VALUES_BY_NAME:
        return VALUES_BY_NAME[name]
    if isinstance(field, fields.Nested):
        return example_of(field.schema)
    if isinstance(field, fields.List):
        return []
    if isinstance(field, fields.Enum):
        return next(iter(field.enum)).value
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, fields.Integer):
        return 1
    if isinstance(field, fields.Date):
        return date(2027, 1, 1).isoformat()
    choices = [v for v in field.validators if isinstance(v, validate.OneOf)]
    return choices[0].choices[0] if choices else "Exempel"


def example_of(schema: ma.Schema | type[ma.Schema]) -> dict[str, Any]:
    """The required fields of `schema`, each with a value that passes its validation."""
    if isinstance(schema, type):
        schema = schema()
    return {
        field.data_key or name: _example(name, field)
        for name, field in schema.fields.items()
        if field.required and not field.dump_only
    }


def request_for(app: Flask, method: str, path: str, world) -> dict[str, Any]:
    """The URL, query and JSON body that make a well-formed call of the route."""
    rule = _rule(app, method, path)
    view = app.view_functions[rule.endpoint]
    call: dict[str, Any] = {"path": world.fill(rule)}
    for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
        values = example_of(parameter["schema"])
        if parameter["in"] == "json":
            call["json"] = values
        elif parameter["in"] == "query":
            call["query_string"] = values
    return call


# --- the walk --------------------------------------------------------------------------------


# Organisation A's objects, built once for the module and given back to every test.
world, _clean_database = shared_world(build_route_world)


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_api_write_without_token_is_401(app, client, world, method, path):
    call = request_for(app, method, path, world)
    response = client.open(method=method, **call)
    assert response.status_code == 401, (method, path, response.status_code, response.json)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_api_write_with_read_only_token_is_403(app, client, make_token, world, method, path):
    """The owner's own read token: the answer is about its scope, not the owner's rights."""
    headers = {**bearer(make_token(world.owner_id, write=False)), "Accept-Language": "en"}
    call = request_for(app, method, path, world)
    response = client.open(method=method, headers=headers, **call)
    assert response.status_code == 403, (method, path, response.status_code, response.json)
    assert "only read" in response.json["message"]


def test_own_account_writes_are_real_api_writes():
    assert set(OWN_ACCOUNT_WRITES) <= set(WRITES), "an allow-listed write no longer exists"


@pytest.mark.parametrize(("method", "path"), [w for w in WRITES if w not in OWN_ACCOUNT_WRITES])
def test_api_write_with_other_organisations_write_token_is_refused(
    app, client, make_token, world, method, path
):
    headers = bearer(make_token(world.outsider_id, write=True))
    call = request_for(app, method, path, world)
    response = client.open(method=method, headers=headers, **call)
    assert response.status_code in (403, 404), (
        method,
        path,
        response.status_code,
        response.json,
    )


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_api_write_with_owners_write_token_passes_the_guard(
    app, client, make_token, world, method, path
):
    """The same calls with the owner's write token get past the guard (the answer, success or
    a service's refusal, is not the guard's)."""
    headers = {**bearer(make_token(world.owner_id, write=True)), "Accept-Language": "en"}
    call = request_for(app, method, path, world)
    response = client.open(method=method, headers=headers, **call)
    assert response.status_code not in (401, 405), (method, path, response.status_code)
    if response.status_code == 403:
        assert "only read" not in response.json["message"], (method, path)
