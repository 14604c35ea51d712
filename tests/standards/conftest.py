"""Fixtures shared with the exchange tests."""

from tests.exchange.conftest import people  # noqa: F401
