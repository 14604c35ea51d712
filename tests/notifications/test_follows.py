"""Following and unfollowing through the pages and the API, by every kind of actor: anonymous
visitors are sent to log in (401 in the API); one may follow only what one may see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.follows.models import Follow
from portal.plans.models import Plan
from portal.standards.models import Standard
from tests.api.conftest import bearer
from tests.content_fixtures import ACTORS, act_as, assert_refused
from tests.content_fixtures import org as org_named


@pytest.fixture
def users(people):
    return people("vallentuna")


def follows_of(app, user_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(Follow).where(Follow.user_id == user_id)).all()
        return sorted((str(f.target_type), f.target_key) for f in rows)


def all_follows(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Follow)).all())


def keys(app) -> dict[str, str]:
    with app.app_context():
        return {
            "organization": str(org_named("gotland").id),
            "standard": str(
                db.session.scalar(select(Standard.id).where(Standard.slug == "citygml"))
            ),
        }


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("target_type", "target"),
    [("organization", "gotland"), ("standard", "citygml"), ("need", None), ("plan", None)],
)
def test_follow_from_a_page_then_unfollow(
    app, client, login_as, users, make_need, make_plan, actor, target_type, target
):
    if target_type == "need":
        target = str(make_need("gotland"))
    if target_type == "plan":
        target = str(make_plan("gotland"))
    before = all_follows(app)
    act_as(login_as, users, actor)
    response = client.post(
        "/follows", data={"type": target_type, "target": target, "next": "/standards"}
    )
    if actor == "anonymous":
        assert_refused(response, actor)
        assert all_follows(app) == before
        return
    assert response.status_code == 302 and response.headers["Location"] == "/standards"
    expected = keys(app).get(target_type, target)
    assert follows_of(app, users[actor]) == [(target_type, expected)]
    with app.app_context():
        follow_id = db.session.scalar(select(Follow.id).where(Follow.user_id == users[actor]))
    client.post(f"/follows/{follow_id}/remove", data={"next": "/me/follows"})
    assert follows_of(app, users[actor]) == []


@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_organisations_members_may_follow_its_draft_plan(
    app, client, login_as, users, make_plan, make_token, actor
):
    plan_id = make_plan("vallentuna", status="draft")
    act_as(login_as, users, actor)
    response = client.post("/follows", data={"type": "plan", "target": str(plan_id)})
    may = actor in {"member", "editor", "org_admin", "site_admin"}  # site admins see drafts
    if actor == "anonymous":
        assert_refused(response, actor)
    else:
        assert follows_of(app, users[actor]) == ([("plan", str(plan_id))] if may else [])
        # The API says the same: 201 for those who may see it, 422 for the others.
        api = client.post(
            "/api/v1/me/follows",
            json={"type": "plan", "target": plan_id},
            headers=bearer(make_token(users[actor], write=True)),
        )
        assert api.status_code == (200 if may else 422), api.json
        if not may:
            assert "target" in api.json["errors"]
            assert "Handlingsplan" not in api.get_data(as_text=True)


def test_one_cannot_remove_anothers_follow(app, client, login_as, users):
    login_as(users["member"])
    client.post("/follows", data={"type": "standard", "target": "citygml"})
    with app.app_context():
        follow_id = db.session.scalar(select(Follow.id))
    client.post("/auth/logout")
    login_as(users["editor"])
    client.post(f"/follows/{follow_id}/remove")
    assert all_follows(app) == 1


def test_follow_button_shows_follow_and_unfollow(client, login_as, users):
    page = client.get("/standards/citygml").get_data(as_text=True)
    assert "Logga in för att följa" in page
    login_as(users["member"])
    page = client.get("/standards/citygml").get_data(as_text=True)
    assert ">\n        Följ</button>" in page and 'aria-pressed="false"' in page
    client.post("/follows", data={"type": "standard", "target": "citygml"})
    page = client.get("/standards/citygml").get_data(as_text=True)
    assert "Sluta följa</button>" in page and 'aria-pressed="true"' in page
    listing = client.get("/me/follows").get_data(as_text=True)
    assert "CityGML" in listing and "Sluta följa" in listing


def test_follow_forms_need_a_csrf_token(app, client, login_as, users):
    login_as(users["member"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/follows", data={"type": "standard", "target": "citygml"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert all_follows(app) == 0


def test_tag_follow_from_the_experiences_list(app, client, login_as, users, make_experience):
    make_experience("vallentuna", tags=["geodata"])
    login_as(users["other_org_member"])
    page = client.get("/experiences?tag=geodata").get_data(as_text=True)
    assert 'name="target" value="geodata"' in page
    client.post("/follows", data={"type": "tag", "target": "GEODATA"})
    assert follows_of(app, users["other_org_member"]) == [("tag", "geodata")]
    client.post("/follows", data={"type": "tag", "target": "finns-inte"})
    assert follows_of(app, users["other_org_member"]) == [("tag", "geodata")]


# --- API ---------------------------------------------------------------------------------------


def test_api_follow_contract(app, client, users, make_token, make_need):
    need_id = make_need("gotland")
    headers = bearer(make_token(users["member"], write=True))
    made = client.post(
        "/api/v1/me/follows", json={"type": "need", "target": need_id}, headers=headers
    )
    assert made.status_code == 201
    assert made.json["type"] == "need" and made.json["target"] == str(need_id)
    assert made.json["url"] == f"/needs/{need_id}" and made.json["id"]
    again = client.post(
        "/api/v1/me/follows", json={"type": "need", "target": str(need_id)}, headers=headers
    )
    assert again.status_code == 200 and again.json["id"] == made.json["id"]
    by_code = client.post(
        "/api/v1/me/follows", json={"type": "organization", "target": "0980"}, headers=headers
    )
    assert by_code.status_code == 201 and by_code.json["name"] == "Gotland"
    for bad in [
        {"type": "need", "target": 999999},
        {"type": "need", "target": 2**31},  # beyond PostgreSQL's INTEGER
        {"type": "plan", "target": "²"},  # a digit only to Unicode
        {"type": "standard", "target": "finns-inte"},
        {"type": "organization", "target": "finns-inte"},
        {"type": "tag", "target": "finns-inte"},
        {"type": "planet", "target": "1"},
        {"type": "need"},
    ]:
        response = client.post("/api/v1/me/follows", json=bad, headers=headers)
        assert response.status_code == 422, (bad, response.json)
    listing = client.get("/api/v1/me/follows", headers=headers)
    assert listing.status_code == 200 and listing.json["total"] == 2
    assert [f["type"] for f in listing.json["items"]] == ["organization", "need"]
    gone = client.delete(f"/api/v1/me/follows/{made.json['id']}", headers=headers)
    assert gone.status_code == 204
    assert (
        client.delete(f"/api/v1/me/follows/{made.json['id']}", headers=headers).status_code == 404
    )


def test_api_follows_need_a_user_and_never_touch_anothers(app, client, users, make_token):
    assert client.get("/api/v1/me/follows").status_code == 401
    assert (
        client.post("/api/v1/me/follows", json={"type": "standard", "target": "citygml"})
    ).status_code == 401
    mine = client.post(
        "/api/v1/me/follows",
        json={"type": "standard", "target": "citygml"},
        headers=bearer(make_token(users["member"], write=True)),
    )
    theirs = bearer(make_token(users["editor"], write=True))
    assert client.delete(f"/api/v1/me/follows/{mine.json['id']}", headers=theirs).status_code == 404
    assert client.get("/api/v1/me/follows", headers=theirs).json["total"] == 0
    read_only = bearer(make_token(users["editor"]))
    response = client.post(
        "/api/v1/me/follows", json={"type": "standard", "target": "citygml"}, headers=read_only
    )
    assert response.status_code == 403


def test_following_a_draft_plan_keeps_it_listed_only_while_visible(
    app, client, users, make_plan, make_token
):
    plan_id = make_plan("vallentuna")
    headers = bearer(make_token(users["other_org_member"], write=True))
    client.post("/api/v1/me/follows", json={"type": "plan", "target": plan_id}, headers=headers)
    assert client.get("/api/v1/me/follows", headers=headers).json["total"] == 1
    with app.app_context():
        db.session.get(Plan, plan_id).status = "draft"
        db.session.commit()
    assert client.get("/api/v1/me/follows", headers=headers).json["total"] == 0
