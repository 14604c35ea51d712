"""An experience may name the plan step it comes from: only a public plan of its organisation."""

from __future__ import annotations

from sqlalchemy import select

from portal.experiences.models import Experience
from portal.extensions import db
from portal.orgs.models import Organisation
from portal.plans.models import Plan, PlanStep

STEPS = [("Digitalisera detaljplaner", "2024-01-01", "2024-12-31", 100_000)]


def step_of(app, plan_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(PlanStep.id).where(PlanStep.plan_id == plan_id))


def write_experience(client, app, org_slug: str, step_id: int | str):
    with app.app_context():
        org_id = db.session.scalar(select(Organisation.id).where(Organisation.slug == org_slug))
    return client.post(
        "/experiences/new",
        data={
            "organisation_id": str(org_id),
            "title": "Lärdom från detaljplanearbetet",
            "body": "Förankra tidigt.",
            "plan_step_id": str(step_id),
        },
    )


def test_experience_links_to_a_step_of_its_organisations_public_plan(
    app, client, make_user, login_as, make_plan
):
    plan_id = make_plan("gotland", title="DiSa", steps=STEPS)
    step_id = step_of(app, plan_id)
    login_as(make_user(member_of="gotland", role="editor"))
    form = client.get("/experiences/new").get_data(as_text=True)
    assert f'value="{step_id}"' in form
    response = write_experience(client, app, "gotland", step_id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Digitalisera detaljplaner" in page and f'href="/plans/{plan_id}#steps"' in page


def test_step_of_a_draft_or_of_another_organisation_is_refused(
    app, client, make_user, login_as, make_plan
):
    draft_step = step_of(app, make_plan("gotland", status="draft", steps=STEPS))
    other_step = step_of(app, make_plan("vallentuna", steps=STEPS))
    login_as(make_user(member_of="gotland", role="editor"))
    for step_id in (draft_step, other_step, 999_999):
        response = write_experience(client, app, "gotland", step_id)
        assert response.status_code == 422, step_id
        assert 'value="Lärdom från detaljplanearbetet"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Experience.id)) is None


def test_editing_without_the_field_keeps_the_link(app, make_user, make_plan):
    from portal.accounts.models import User
    from portal.experiences import services as experience_services

    plan_id = make_plan("gotland", steps=STEPS)
    user_id = make_user(member_of="gotland", role="editor")
    with app.app_context():
        actor = db.session.get(User, user_id)
        plan = db.session.get(Plan, plan_id)
        experience = experience_services.create_experience(
            actor, plan.organisation, title="T", body="B", plan_step_id=plan.steps[0].id
        )
        experience_services.update_experience(actor, experience, title="T2", body="B")
        assert experience.plan_step_id == plan.steps[0].id
        experience_services.update_experience(
            actor, experience, title="T2", body="B", plan_step_id=None
        )
        assert experience.plan_step_id is None
