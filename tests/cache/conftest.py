"""Fixtures of the shared cache tests: content made through the services."""

from tests.content_fixtures import make_experience  # noqa: F401
