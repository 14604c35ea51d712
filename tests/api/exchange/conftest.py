"""The exchange's fixtures (actors, content made by the services) for the API tests."""

from tests.exchange.conftest import (  # noqa: F401
    make_experience,
    make_need,
    make_supplier,
    people,
)
