"""Actors and content made by the services (shared with the other content tests)."""

from tests.api.conftest import make_token  # noqa: F401
from tests.content_fixtures import (  # noqa: F401
    make_experience,
    make_need,
    make_supplier,
    people,
)
from tests.plans.conftest import make_plan  # noqa: F401
