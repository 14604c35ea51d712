"""Plan factories for the comparison tests (the plans tests' factory) and the demo plans."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.orgs.models import Organisation
from portal.plans.models import Plan
from portal.seed import seed_demo
from tests.plans.conftest import make_plan  # noqa: F401


@pytest.fixture
def demo(app):
    with app.app_context():
        seed_demo()
        db.session.commit()
        ids = {
            slug: db.session.scalar(
                select(Plan.id)
                .join(Organisation)
                .where(Organisation.slug == slug, Plan.is_current.is_(True))
            )
            for slug in ("gotland", "vallentuna", "exempelkommunen", "provkommunen")
        }
        db.session.remove()
    return ids
