"""Fixtures for API tests: tokens and their Authorization headers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from portal.extensions import db
from tests.content_fixtures import (  # noqa: F401  (content fixtures for the API tests)
    make_experience,
    make_need,
    make_supplier,
    people,
)
from tests.plans.conftest import make_plan  # noqa: F401  (plans for the comparison tests)


@pytest.fixture
def make_token(app) -> Callable[..., str]:
    """Create an API token for a user through the token service; return its secret."""

    def make(user_id: int, *, write: bool = False, expires_days: int | None = None) -> str:
        from portal.accounts.models import User
        from portal.tokens.services import create_token

        with app.app_context():
            _token, secret = create_token(
                db.session.get(User, user_id), name="test", write=write, expires_days=expires_days
            )
            db.session.commit()
            db.session.remove()
        return secret

    return make


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
