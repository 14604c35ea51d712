"""Every write on plans, tried through the pages by every kind of actor.

Actors: anonymous, a member of another organisation, a member, an editor, an admin of the
owning organisation, and a site admin. The state in the database is checked afterwards, so a
view or service that forgot its permission check fails here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.plans.models import Plan, PlanRevision, PlanStatus
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


@pytest.mark.parametrize("actor", ACTORS)
def test_edit_draft(app, client, login_as, users, make_plan, actor):
    plan_id = make_plan(status="draft")
    act_as(client, login_as, users, actor)
    before = plans_snapshot(app)
    response = client.post(f"/plans/{plan_id}/edit", data=plan_form(title="Ändrad"))
    with app.app_context():
        title = db.session.get(Plan, plan_id).title
    if actor in WRITERS:
        assert response.status_code == 302
        assert title == "Ändrad"
    else:
        assert_refused(response, actor, draft=True)
        assert plans_snapshot(app) == before
        assert title == "Handlingsplan"


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
        assert response.status_code == 200
    else:
        assert_refused(response, actor, draft=True)


def test_editor_of_other_org_cannot_create_plan_for_vallentuna(app, client, login_as, make_user):
    login_as(make_user(member_of="gotland", role="editor"))
    with app.app_context():
        vallentuna = org_id("vallentuna")
    response = client.post("/plans/new", data=plan_form(org=vallentuna, title="Intrång"))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Plan).where(Plan.title == "Intrång")) is None
