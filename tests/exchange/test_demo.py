"""`seed --demo` adds exchange content once, all of it from fictional organisations."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.experiences.models import Experience, ExperienceStatus
from portal.extensions import db
from portal.needs.models import (
    AdaptationNeed,
    NeedBacking,
    NeedStatus,
    SupplierAnswer,
    SupplierAnswerVersion,
)
from portal.orgs.models import Organisation


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_exchange_content_is_idempotent_and_fictional(app, runner):
    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    with app.app_context():
        counts = [_count(m) for m in (Experience, AdaptationNeed, NeedBacking, SupplierAnswer)]
    third = runner.invoke(args=["seed", "--demo"])
    assert third.exit_code == 0 and "created" not in third.output
    with app.app_context():
        assert [
            _count(m) for m in (Experience, AdaptationNeed, NeedBacking, SupplierAnswer)
        ] == counts
        assert counts[0] >= 5 and counts[1] >= 4 and counts[2] >= 4 and counts[3] >= 4
        # Every statement comes from a fictional organisation.
        speakers = set()
        for model in (Experience, AdaptationNeed, NeedBacking, SupplierAnswer):
            speakers |= set(
                db.session.scalars(
                    select(Organisation.is_example).join(
                        model, model.organisation_id == Organisation.id
                    )
                )
            )
        assert speakers == {True}
        statuses = set(db.session.scalars(select(SupplierAnswer.support_status)))
        assert len(statuses) == 4
        assert _count(SupplierAnswerVersion) >= 1
        assert db.session.scalar(
            select(func.count())
            .select_from(Experience)
            .where(Experience.status == ExperienceStatus.DRAFT)
        )
        assert set(db.session.scalars(select(AdaptationNeed.status))) >= {
            NeedStatus.ANSWERED,
            NeedStatus.OPEN,
            NeedStatus.RESOLVED,
        }
