"""Plan factories for the comparison tests (the plans tests' factory)."""

from tests.plans.conftest import make_plan  # noqa: F401
