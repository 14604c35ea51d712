"""Actors shared with the experience and need tests."""

from tests.content_fixtures import people  # noqa: F401
