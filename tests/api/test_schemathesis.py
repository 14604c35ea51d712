"""Generated requests against every operation of the OpenAPI document (schemathesis, in-process).

Every operation gets valid and invalid input (positive and negative generation), anonymously and
with a read+write token; no answer may be a server error or break its documented schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal import create_app
from portal.extensions import db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
OPENAPI = "/api/v1/openapi.json"


def documented_operations() -> list[tuple[str, str, GenerationMode]]:
    """Every (method, path) in the document; new endpoints are covered automatically.

    Operations with a request body or query parameters also get invalid input (negative
    generation); for the others, whose only parameters are strings in paths and headers,
    schemathesis finds nothing invalid to send (odd keys are tested in test_api_errors.py).
    """
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    paths = app.test_client().get(OPENAPI).json["paths"]
    cases = []
    for path, operations in sorted(paths.items()):
        for method, operation in operations.items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            cases.append((method.upper(), path, GenerationMode.POSITIVE))
            query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
            if "requestBody" in operation or query:
                cases.append((method.upper(), path, GenerationMode.NEGATIVE))
    return cases


@pytest.fixture
def write_token(app, make_user) -> str:
    """A read+write token of an editor of Gotland."""
    from portal.accounts.models import User
    from portal.tokens.services import create_token

    user_id = make_user(member_of="gotland", role="editor")
    with app.app_context():
        _token, secret = create_token(db.session.get(User, user_id), name="fuzz", write=True)
        db.session.commit()
        db.session.remove()
    return secret


@pytest.fixture(scope="module")
def openapi_schema(app):
    """The loaded document, once per module: loading it costs more than a test's requests."""
    return schemathesis.openapi.from_wsgi(OPENAPI, app)


@pytest.mark.parametrize("authenticated", [True, False], ids=["token", "anonymous"])
@pytest.mark.parametrize(("method", "path", "mode"), documented_operations())
def test_operation_never_fails_and_answers_as_documented(
    openapi_schema, write_token, method, path, mode, authenticated
):
    operation = openapi_schema[path][method]
    headers = {"Authorization": f"Bearer {write_token}"} if authenticated else None

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
