"""Every write on plans, tried through the pages by every kind of actor.

Actors: anonymous, a member of another organisation, a member, an editor, an admin of the
owning organisation, and a site admin. The state in the database is checked afterwards, so a
view or service that forgot its permission check fails here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.plans.models import MaturityDimension, Plan, PlanRevision, PlanStatus
from portal.standards.models import Standard
from tests.plans.conftest import org_id, plan_form, plans_snapshot

ACTORS = ["anonymous", "other_org_member", "member", "editor", "org_admin", "site_admin"]
WRITERS = {"editor", "org_admin", "site_admin"}


def act_as(client, login_as, users, actor):
    if actor != "anonymous":
        login_as(users[actor])
    return client


def assert_refused(response, actor, *, draft: bool = False):
    """Anonymous visitors are sent to log in; drafts are 404 to outsiders; others get 403."""
    if draft and actor in ("anonymous", "other_org_member"):
        assert response.status_code == 404
    elif actor == "anonymous":
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    else:
        assert response.status_code in (403, 422), response.status_code


@pytest.mark.parametrize("actor", ACTORS)
def test_create_plan(app, client, login_as, users, actor):
    act_as(client, login_as, users, actor)
    with app.app_context():
        vallentuna = org_id("vallentuna")
    before = plans_snapshot(app)
    response = client.post("/plans/new", data=plan_form(org=vallentuna, title=f"Plan {actor}"))
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.title == f"Plan {actor}"))
        if actor in WRITERS:
            assert response.status_code == 302, response.get_data(as_text=True)
            assert plan is not None and plan.organisation_id == vallentuna
            assert plan.status == PlanStatus.DRAFT
        else:
            assert_refused(response, actor)
            assert plans_snapshot(app) == before
            assert plan is None


# Every section of the editor, with a change to it and how to read that change back.
SECTION_EDITS = {
    "basics": (
        {"title": "Ändrad", "period_start_year": "2025", "period_end_year": "2027"},
        lambda plan: plan.title == "Ändrad",
    ),
    "strategies": ({"strategies-0-title": "Ny strategi"}, lambda plan: len(plan.strategies) == 1),
    "analysis": ({"strengths": "Ändrade styrkor"}, lambda plan: plan.strengths == "Ändrade styrkor"),
    "maturity": (
        {"maturity-0-dimension_id": "DIMENSION", "maturity-0-current_level": "2",
         "maturity-0-target_level": "4"},
        lambda plan: len(plan.maturity) == 1,
    ),
    "motives": ({"motives": "Ändrade motiv"}, lambda plan: plan.motives == "Ändrade motiv"),
    "organisation": ({"administrative_groups": "it"}, lambda plan: plan.administrative_groups == ["it"]),
    "standards": (
        {"standards-0-standard_id": "STANDARD", "standards-0-chosen": "y"},
        lambda plan: len(plan.standards) == 1,
    ),
    "steps": (plan_form(), lambda plan: len(plan.steps) == 1),
    "competence": (
        {"external_monitoring": "Ändrad bevakning"},
        lambda plan: plan.external_monitoring == "Ändrad bevakning",
    ),
    "partners": ({"partner_ids": "GOTLAND"}, lambda plan: len(plan.partners) == 1),
}  # fmt: skip


@pytest.mark.parametrize("section", list(SECTION_EDITS))
@pytest.mark.parametrize("actor", ACTORS)
def test_save_a_section_of_a_draft(app, client, login_as, users, make_plan, actor, section):
    plan_id = make_plan(status="draft", start=2025, end=2027)
    act_as(client, login_as, users, actor)
    data, saved = SECTION_EDITS[section]
    with app.app_context():
        ids = {
            "GOTLAND": str(org_id("gotland")),
            "DIMENSION": str(db.session.scalar(select(MaturityDimension.id))),
            "STANDARD": str(db.session.scalar(select(Standard.id))),
        }
    data = {name: ids.get(value, value) for name, value in data.items()}
    before = plans_snapshot(app)
    response = client.post(f"/plans/{plan_id}/edit/{section}", data=data)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        if actor in WRITERS:
            assert response.status_code == 302, response.get_data(as_text=True)
            assert saved(plan)
        else:
            assert_refused(response, actor, draft=True)
            assert plans_snapshot(app) == before
            assert not saved(plan)


@pytest.mark.parametrize("actor", ACTORS)
def test_add_a_row_to_a_draft(app, client, login_as, users, make_plan, actor):
    """The "add a row" button saves nothing, and shows outsiders nothing either."""
    plan_id = make_plan(status="draft")
    act_as(client, login_as, users, actor)
    response = client.post(f"/plans/{plan_id}/edit/steps", data={"add_row": "steps"})
    if actor in WRITERS:
        assert response.status_code == 200
    else:
        assert_refused(response, actor, draft=True)


@pytest.mark.parametrize("actor", ACTORS)
def test_publish(app, client, login_as, users, make_plan, actor):
    plan_id = make_plan(status="draft")
    act_as(client, login_as, users, actor)
    before = plans_snapshot(app)
    response = client.post(f"/plans/{plan_id}/publish")
    with app.app_context():
        status = db.session.get(Plan, plan_id).status
        revisions = db.session.scalar(select(func.count()).select_from(PlanRevision))
    if actor in WRITERS:
        assert status == PlanStatus.PUBLISHED and revisions == 1
    else:
        assert_refused(response, actor, draft=True)
        assert plans_snapshot(app) == before
        assert status == PlanStatus.DRAFT and revisions == 0


@pytest.mark.parametrize("actor", ACTORS)
def test_archive(app, client, login_as, users, make_plan, actor):
    plan_id = make_plan()
    act_as(client, login_as, users, actor)
    before = plans_snapshot(app)
    response = client.post(f"/plans/{plan_id}/archive")
    with app.app_context():
        status = db.session.get(Plan, plan_id).status
    if actor in WRITERS:
        assert status == PlanStatus.ARCHIVED
    else:
        assert_refused(response, actor)
        assert plans_snapshot(app) == before
        assert status == PlanStatus.PUBLISHED


@pytest.mark.parametrize("actor", ACTORS)
def test_reopen(app, client, login_as, users, make_plan, actor):
    plan_id = make_plan(status="archived")
    act_as(client, login_as, users, actor)
    before = plans_snapshot(app)
    response = client.post(f"/plans/{plan_id}/reopen")
    with app.app_context():
        status = db.session.get(Plan, plan_id).status
        draft = db.session.scalar(select(Plan).where(Plan.working_copy_of_id == plan_id))
    if actor in WRITERS:
        # The archived plan stays as it is; the next version is a working copy beside it.
        assert status == PlanStatus.ARCHIVED
        assert draft is not None and draft.status == PlanStatus.DRAFT
        assert response.headers["Location"].endswith(f"/plans/{draft.id}")
    else:
        assert_refused(response, actor)
        assert plans_snapshot(app) == before
        assert status == PlanStatus.ARCHIVED


@pytest.mark.parametrize("actor", ACTORS)
def test_set_current(app, client, login_as, users, make_plan, actor):
    make_plan(title="Först")
    plan_id = make_plan(title="Sedan")
    act_as(client, login_as, users, actor)
    before = plans_snapshot(app)
    response = client.post(f"/plans/{plan_id}/current")
    with app.app_context():
        current = db.session.get(Plan, plan_id).is_current
    if actor in WRITERS:
        assert current
    else:
        assert_refused(response, actor)
        assert plans_snapshot(app) == before
        assert not current


@pytest.mark.parametrize("actor", ACTORS)
def test_open_edit_form(client, login_as, users, make_plan, actor):
    plan_id = make_plan(status="draft")
    act_as(client, login_as, users, actor)
    response = client.get(f"/plans/{plan_id}/edit")
    if actor in WRITERS:
        assert response.status_code == 302
        assert client.get(response.headers["Location"]).status_code == 200
    else:
        assert_refused(response, actor, draft=True)
        assert_refused(client.get(f"/plans/{plan_id}/edit/steps"), actor, draft=True)


def test_editor_of_other_org_cannot_create_plan_for_vallentuna(app, client, login_as, make_user):
    login_as(make_user(member_of="gotland", role="editor"))
    with app.app_context():
        vallentuna = org_id("vallentuna")
    response = client.post("/plans/new", data=plan_form(org=vallentuna, title="Intrång"))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Plan).where(Plan.title == "Intrång")) is None
