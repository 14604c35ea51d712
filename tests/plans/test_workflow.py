"""The workflow draft -> published (-> a working copy for the next version) -> archived,
revisions and the current plan."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.errors import ValidationError
from portal.extensions import db
from portal.plans import services
from portal.plans.models import Plan, PlanRevision, PlanStatus


def _actor(user_id: int) -> User:
    return db.session.get(User, user_id)


def test_publish_creates_numbered_immutable_revisions(app, make_plan, make_user):
    editor = make_user(member_of="vallentuna", role="editor")
    plan_id = make_plan(status="draft", steps=[("Steg", "2024-01-01", "2024-12-31", 1000)])
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        first = services.publish_plan(_actor(editor), plan)
        assert plan.status == PlanStatus.PUBLISHED and plan.published_at is not None
        assert first.number == 1 and first.snapshot["steps"][0]["cost_sek"] == 1000
        step_id = plan.steps[0].id
        draft = services.reopen_plan(_actor(editor), plan)
        assert plan.status == PlanStatus.PUBLISHED and draft.status == PlanStatus.DRAFT
        data = services.PlanInput(
            title="Ny titel",
            period_start_year=2024,
            period_end_year=2026,
            steps=[
                services.StepInput(
                    id=draft.steps[0].id, title="Steg", start_date=draft.steps[0].start_date,
                    end_date=draft.steps[0].end_date, cost_sek=2000,
                )
            ],
        )  # fmt: skip
        # An edit of the published plan changes its working copy.
        services.update_plan(_actor(editor), plan, data)
        assert plan.title == "Handlingsplan" and draft.title == "Ny titel"
        second = services.publish_plan(_actor(editor), draft)
        db.session.commit()
        assert second.number == 2 and second.plan_id == plan_id
        # The step continued in the working copy keeps its id in the published plan.
        assert [s.id for s in plan.steps] == [step_id] and plan.steps[0].cost_sek == 2000
        assert first.snapshot["title"] == "Handlingsplan"
        assert second.snapshot["title"] == "Ny titel"
        assert second.snapshot["steps"][0]["cost_sek"] == 2000
        # The first revision still holds the plan as it was then.
        stored = db.session.scalar(select(PlanRevision).where(PlanRevision.number == 1))
        assert stored.snapshot["steps"][0]["cost_sek"] == 1000


def test_revisions_can_be_neither_changed_nor_deleted(app, make_plan):
    plan_id = make_plan()
    with app.app_context():
        # The service offers no way to change or delete a revision ...
        names = [n for n in dir(services) if "revision" in n.lower()]
        assert not [n for n in names if n.startswith(("update", "delete", "remove", "edit"))]
        # ... and the model refuses even direct attempts.
        revision = db.session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan_id))
        revision.number = 99
        with pytest.raises(RuntimeError):
            db.session.flush()
        db.session.rollback()
        revision = db.session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan_id))
        db.session.delete(revision)
        with pytest.raises(RuntimeError):
            db.session.flush()
        db.session.rollback()
        assert db.session.scalar(select(PlanRevision.number)) == 1


def test_only_drafts_can_be_edited_and_published(app, make_plan, make_user):
    editor = make_user(member_of="vallentuna", role="editor")
    plan_id = make_plan()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        with pytest.raises(ValidationError):
            services.update_plan(_actor(editor), plan, services.PlanInput("x", 2024, 2025))
        with pytest.raises(ValidationError):
            services.publish_plan(_actor(editor), plan)


def test_archive_and_back_to_draft(app, make_plan, make_user):
    editor = make_user(member_of="vallentuna", role="editor")
    plan_id = make_plan()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        assert plan.is_current  # the first published plan becomes the current one
        services.archive_plan(_actor(editor), plan)
        assert plan.status == PlanStatus.ARCHIVED and not plan.is_current
        with pytest.raises(ValidationError):
            services.archive_plan(_actor(editor), plan)
        # Reopening an archived plan also starts a working copy: the archived plan stays
        # public; publishing the copy makes it published (in force) again.
        draft = services.reopen_plan(_actor(editor), plan)
        assert plan.status == PlanStatus.ARCHIVED and draft.working_copy_of_id == plan.id
        services.publish_plan(_actor(editor), draft)
        assert plan.status == PlanStatus.PUBLISHED and plan.is_current


def test_unverified_organisation_cannot_publish(app, make_user):
    from portal.orgs.models import OrganisationKind
    from portal.orgs.services import register_organisation

    admin = make_user()
    with app.app_context():
        org = register_organisation(_actor(admin), name="Ny AB", kind=OrganisationKind.SUPPLIER)
        plan = services.create_plan(_actor(admin), org, services.PlanInput("Plan", 2025, 2026))
        with pytest.raises(ValidationError) as error:
            services.publish_plan(_actor(admin), plan)
        assert "verified" in error.value.message
        assert plan.status == PlanStatus.DRAFT


def test_at_most_one_current_plan_per_organisation(app, make_plan, make_user):
    editor = make_user(member_of="vallentuna", role="editor")
    first = make_plan(title="Första")
    second = make_plan(title="Andra")
    with app.app_context():
        assert db.session.get(Plan, first).is_current
        assert not db.session.get(Plan, second).is_current
        services.set_current_plan(_actor(editor), db.session.get(Plan, second))
        db.session.commit()
        current = db.session.scalars(select(Plan.id).where(Plan.is_current.is_(True))).all()
        assert current == [second]


def test_draft_cannot_be_current(app, make_plan, make_user):
    editor = make_user(member_of="vallentuna", role="editor")
    draft = make_plan(status="draft")
    with app.app_context(), pytest.raises(ValidationError):
        services.set_current_plan(_actor(editor), db.session.get(Plan, draft))


def test_publish_button_of_unverified_organisation_explains_why(app, client, login_as, make_user):
    from portal.orgs.models import OrganisationKind
    from portal.orgs.services import register_organisation

    admin = make_user()
    with app.app_context():
        org = register_organisation(_actor(admin), name="Ny AB", kind=OrganisationKind.SUPPLIER)
        plan = services.create_plan(_actor(admin), org, services.PlanInput("Plan", 2025, 2026))
        db.session.commit()
        plan_id = plan.id
    login_as(admin)
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Organisationen är inte verifierad ännu och kan inte publicera." in page
    response = client.post(f"/plans/{plan_id}/publish", follow_redirects=True)
    assert "Organisationen måste vara verifierad innan den kan publicera." in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(Plan, plan_id).status == PlanStatus.DRAFT
