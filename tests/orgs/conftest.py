"""The plans tests' plan factory, for tests that need plans."""

from tests.plans.conftest import make_plan  # noqa: F401
