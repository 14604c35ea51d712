"""Fixtures of the attachment tests: plans, experiences, actors and API tokens."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.api.conftest import bearer, make_token  # noqa: F401
from tests.content_fixtures import make_experience, people  # noqa: F401
from tests.plans.conftest import make_plan  # noqa: F401


def multipart(filename: str, data: bytes, title: str | None = None, **fields) -> dict:
    """The keyword arguments of a test client's request that sends a multipart form with
    `file` (and `title`), as a browser or client does. Encoded here, in memory: the test
    client would spool a large body to a temporary file it never closes."""
    values = {"file": FileStorage(io.BytesIO(data), filename), **fields}
    if title is not None:
        values["title"] = title
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


@pytest.fixture
def vallentuna_people(people) -> dict[str, int]:  # noqa: F811
    return people("vallentuna")
