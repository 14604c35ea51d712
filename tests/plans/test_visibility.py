"""Drafts are invisible (404) to everyone outside the owning organisation, on every plan URL."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.plans import services
from portal.plans.models import Plan

GET_URLS = [
    "/plans/{id}",
    "/plans/{id}/edit",
    "/plans/{id}/edit/basics",
    "/plans/{id}/edit/steps",
    "/plans/{id}/history",
    "/plans/{id}/revisions/1",
    "/plans/{id}/history/compare?a=1&b=2",
]
POST_URLS = [
    "/plans/{id}/publish",
    "/plans/{id}/archive",
    "/plans/{id}/reopen",
    "/plans/{id}/discard",
    "/plans/{id}/current",
]


@pytest.fixture
def draft_with_history(app, make_plan, make_user) -> int:
    """The draft of the next version of a plan published twice (its working copy)."""
    plan_id = make_plan(steps=[("Steg", "2024-01-01", "2024-12-31", 100)])
    editor = make_user(member_of="vallentuna", role="editor")
    with app.app_context():
        from portal.accounts.models import User

        actor = db.session.get(User, editor)
        plan = db.session.get(Plan, plan_id)
        services.publish_plan(actor, services.reopen_plan(actor, plan))
        draft_id = services.reopen_plan(actor, plan).id
        db.session.commit()
    return draft_id


@pytest.mark.parametrize("who", ["anonymous", "other_org_admin", "no_org", "other_site_visitor"])
def test_draft_is_404_on_every_url(client, login_as, make_user, draft_with_history, who):
    if who == "other_org_admin":
        login_as(make_user(member_of="gotland", role="admin"))
    elif who == "no_org":
        login_as(make_user())
    elif who == "other_site_visitor":
        login_as(make_user(member_of="boverket", role="editor"))
    for url in GET_URLS:
        assert client.get(url.format(id=draft_with_history)).status_code == 404, url
    for url in [*POST_URLS, "/plans/{id}/edit/basics", "/plans/{id}/edit/partners"]:
        assert client.post(url.format(id=draft_with_history)).status_code == 404, url
    html = client.get("/plans").get_data(as_text=True)
    assert f"/plans/{draft_with_history}" not in html
    html = client.get("/organizations/vallentuna").get_data(as_text=True)
    assert f"/plans/{draft_with_history}" not in html


def test_members_see_their_draft_everywhere(client, login_as, make_user, draft_with_history):
    login_as(make_user(member_of="vallentuna", role="member"))
    for url in GET_URLS:
        if "edit" in url or "revisions" in url or "compare" in url:
            continue  # a working copy has no revisions of its own
        assert client.get(url.format(id=draft_with_history)).status_code == 200, url
    # The organisation's page lists the published plan, marked as being revised.
    html = client.get("/organizations/vallentuna").get_data(as_text=True)
    assert f"/plans/{draft_with_history}" not in html
    assert "Ny version på gång" in html


def test_guessed_ids_are_404(client):
    for url in GET_URLS:
        assert client.get(url.format(id=999_999)).status_code == 404


def test_published_plan_is_public(client, make_plan):
    plan_id = make_plan(title="Offentlig plan")
    response = client.get(f"/plans/{plan_id}")
    assert response.status_code == 200
    assert "Offentlig plan" in response.get_data(as_text=True)
    assert client.get(f"/plans/{plan_id}/history").status_code == 200
    assert client.get(f"/plans/{plan_id}/revisions/1").status_code == 200
    assert client.get(f"/plans/{plan_id}/revisions/2").status_code == 404
