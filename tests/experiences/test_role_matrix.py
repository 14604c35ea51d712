"""Every write on experiences, tried by every kind of actor through the HTTP pages.

Actors are relative to the organisation whose right is at stake: a member, an editor and an
admin of it, an admin of another organisation, a site admin and an anonymous visitor. The
resulting state is checked in the database, so a view whose service forgot a permission
check fails here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.experiences.models import Experience, ExperienceComment, ExperienceStatus
from portal.extensions import db
from tests.content_fixtures import ACTORS, act_as, assert_refused, org, user

EDITORS = {"editor", "org_admin", "site_admin"}
MEMBERS = {"member", "editor", "org_admin", "site_admin"}
ADMINS = {"org_admin", "site_admin"}


@pytest.mark.parametrize("actor", ACTORS)
def test_create_experience(app, client, login_as, people, actor):
    users = people("vallentuna")
    act_as(login_as, users, actor)
    with app.app_context():
        vallentuna_id = org("vallentuna").id
    response = client.post(
        "/experiences/new",
        data={
            "organisation_id": vallentuna_id,
            "title": "Dialog med leverantören",
            "body": "Vi träffas **varje månad**.",
            "tags": "Dialog, leverantörer",
        },
    )
    with app.app_context():
        experience = db.session.scalar(select(Experience))
        if actor in MEMBERS:
            assert response.status_code == 302
            assert experience.status == ExperienceStatus.DRAFT
            assert [t.name for t in experience.tags] == ["dialog", "leverantörer"]
        else:
            assert_refused(response, actor)
            assert experience is None


@pytest.mark.parametrize("actor", ACTORS)
def test_edit_experience(app, client, login_as, people, make_experience, actor):
    users = people("vallentuna")
    experience_id = make_experience("vallentuna")  # written by another member
    act_as(login_as, users, actor)
    response = client.post(
        f"/experiences/{experience_id}/edit", data={"title": "Ny titel", "body": "Ny text"}
    )
    with app.app_context():
        title = db.session.get(Experience, experience_id).title
    if actor in EDITORS:
        assert response.status_code == 302
        assert title == "Ny titel"
    else:
        assert_refused(response, actor)
        assert title == "Förankra arbetet"


@pytest.mark.parametrize("actor", ACTORS)
def test_publish_experience(app, client, login_as, people, make_experience, actor):
    users = people("vallentuna")
    experience_id = make_experience("vallentuna", publish=False)
    act_as(login_as, users, actor)
    response = client.post(f"/experiences/{experience_id}/publish")
    with app.app_context():
        experience = db.session.get(Experience, experience_id)
    if actor in EDITORS:
        assert response.status_code == 302
        assert experience.status == ExperienceStatus.PUBLISHED
        assert experience.published_at is not None
    else:
        # Another organisation does not even learn that the draft exists.
        assert_refused(response, actor, 404 if actor == "other_org_member" else 403)
        assert experience.status == ExperienceStatus.DRAFT


@pytest.mark.parametrize("actor", ACTORS)
def test_unpublish_experience(app, client, login_as, people, make_experience, actor):
    users = people("vallentuna")
    experience_id = make_experience("vallentuna")
    act_as(login_as, users, actor)
    response = client.post(f"/experiences/{experience_id}/unpublish")
    with app.app_context():
        status = db.session.get(Experience, experience_id).status
    if actor in EDITORS:
        assert response.status_code == 302
        assert status == ExperienceStatus.DRAFT
        # Back to a draft: gone from the public list.
        client.post("/auth/logout")
        assert client.get(f"/experiences/{experience_id}").status_code == 404
    else:
        assert_refused(response, actor)
        assert status == ExperienceStatus.PUBLISHED


@pytest.mark.parametrize("actor", ACTORS)
def test_comment_on_experience(app, client, login_as, people, make_experience, actor):
    users = people("vallentuna")
    experience_id = make_experience("vallentuna")
    act_as(login_as, users, actor)
    response = client.post(f"/experiences/{experience_id}/comments", data={"body": "Tack!"})
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(ExperienceComment))
    if actor == "anonymous":
        assert_refused(response, actor)
        assert count == 0
    else:
        assert response.status_code == 302
        assert count == 1


@pytest.mark.parametrize("actor", ACTORS)
def test_remove_comment(app, client, login_as, people, make_user, make_experience, actor):
    users = people("vallentuna")
    experience_id = make_experience("vallentuna")
    commenter = make_user(member_of="skr", role="member")
    with app.app_context():
        from portal.experiences import services as experience_services

        comment = experience_services.add_comment(
            user(commenter), db.session.get(Experience, experience_id), "Olämplig text"
        )
        db.session.commit()
        comment_id = comment.id
    act_as(login_as, users, actor)
    response = client.post(f"/experiences/{experience_id}/comments/{comment_id}/remove")
    with app.app_context():
        removed = db.session.get(ExperienceComment, comment_id).removed
    if actor in ADMINS:
        assert removed
        assert "Olämplig text" not in client.get(f"/experiences/{experience_id}").get_data(
            as_text=True
        )
    else:
        assert_refused(response, actor)
        assert not removed
