"""`seed --demo` adds experiences once, all of them from fictional organisations."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.experiences.models import Experience, ExperienceStatus
from portal.extensions import db
from portal.orgs.models import Organisation


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_experiences_are_idempotent_and_fictional(app, runner):
    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    with app.app_context():
        count = _count(Experience)
    third = runner.invoke(args=["seed", "--demo"])
    assert third.exit_code == 0 and "created" not in third.output
    with app.app_context():
        assert _count(Experience) == count
        assert count >= 5
        # Every experience comes from a fictional organisation.
        speakers = set(
            db.session.scalars(
                select(Organisation.is_example).join(
                    Experience, Experience.organisation_id == Organisation.id
                )
            )
        )
        assert speakers == {True}
        assert db.session.scalar(
            select(func.count())
            .select_from(Experience)
            .where(Experience.status == ExperienceStatus.DRAFT)
        )
