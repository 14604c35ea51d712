"""Extra app instances on the test database (with other settings), cleaned up after use."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from portal import create_app
from portal.extensions import db
from tests.content_fixtures import make_experience, make_need, make_supplier  # noqa: F401
from tests.plans.conftest import make_plan  # noqa: F401

SHARED_KEYS = [
    "TESTING",
    "SECRET_KEY",
    "SQLALCHEMY_DATABASE_URI",
    "SEARCH_INDEX_DIR",
    "WTF_CSRF_ENABLED",
    "SESSION_COOKIE_SECURE",
    "REMEMBER_COOKIE_SECURE",
    "ARGON2_TIME_COST",
    "ARGON2_MEMORY_COST",
    "ARGON2_PARALLELISM",
    "RATELIMIT_ENABLED",
]


def base_config(app: Flask) -> dict:
    return {key: app.config[key] for key in SHARED_KEYS}


@pytest.fixture
def make_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Create another app like the test app, with some settings changed or removed."""
    made: list[Flask] = []

    def make(*, remove: tuple[str, ...] = (), **overrides) -> Flask:
        config = {**base_config(app), **overrides}
        for key in remove:
            config.pop(key, None)
        new = create_app(config)
        made.append(new)
        return new

    yield make
    for new in made:
        with new.app_context():
            db.session.remove()
            db.engine.dispose()
        limiter = new.extensions.get("portal_limiter")
        storage = getattr(limiter, "_storage", None) if limiter else None
        client = getattr(storage, "storage", None)
        if client is not None and hasattr(client, "close"):
            client.close()
            pool = getattr(client, "connection_pool", None)
            if pool is not None:
                pool.disconnect()
