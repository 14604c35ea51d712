"""Actors and content made by the services (shared with the other content tests)."""

from tests.content_fixtures import (  # noqa: F401
    make_answer,
    make_experience,
    make_need,
    make_supplier,
    people,
)
