"""Content made through the services, for the feeds."""

from tests.content_fixtures import (  # noqa: F401
    make_answer,
    make_experience,
    make_need,
    make_supplier,
)
from tests.plans.conftest import make_plan  # noqa: F401
