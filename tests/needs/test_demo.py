"""`seed --demo` adds needs, backings and answers once, all from fictional organisations."""

from __future__ import annotations

from sqlalchemy import func, select

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


def test_demo_needs_backings_and_answers_are_idempotent_and_fictional(app, runner):
    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    with app.app_context():
        counts = [_count(m) for m in (AdaptationNeed, NeedBacking, SupplierAnswer)]
    third = runner.invoke(args=["seed", "--demo"])
    assert third.exit_code == 0 and "created" not in third.output
    with app.app_context():
        assert [_count(m) for m in (AdaptationNeed, NeedBacking, SupplierAnswer)] == counts
        assert counts[0] >= 4 and counts[1] >= 4 and counts[2] >= 4
        # Every statement comes from a fictional organisation.
        speakers = set()
        for model in (AdaptationNeed, NeedBacking, SupplierAnswer):
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
        assert set(db.session.scalars(select(AdaptationNeed.status))) >= {
            NeedStatus.ANSWERED,
            NeedStatus.OPEN,
            NeedStatus.RESOLVED,
        }
