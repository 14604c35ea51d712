"""Experiences through the API: reads (filters, CSV, drafts never leaking) and every write
tried by every kind of actor with a write token, the state checked in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.experiences.models import Experience, ExperienceComment, ExperienceStatus
from portal.extensions import db
from tests.api.conftest import bearer
from tests.api.support import assert_refused, count_rows, read_csv, tokens_for
from tests.content_fixtures import ACTORS, org, user

EDITORS = {"editor", "org_admin", "site_admin"}
MEMBERS = {"member", "editor", "org_admin", "site_admin"}


def test_experience_list_filters_like_the_page(client, make_experience):
    gis = make_experience("vallentuna", title="GIS-arbete", tags=["gis"], standards=["bfs-2020-5"])
    other = make_experience("gotland", title="Arkivet", tags=["arkiv"])
    everything = client.get("/api/v1/experiences").json
    assert {e["id"] for e in everything["items"]} == {gis, other}
    assert everything["total"] == 2 and everything["page"] == 1
    by_tag = client.get("/api/v1/experiences?tag=GIS").json["items"]
    assert [e["id"] for e in by_tag] == [gis]
    by_standard = client.get("/api/v1/experiences?standard=bfs-2020-5").json["items"]
    assert [e["id"] for e in by_standard] == [gis]
    assert by_standard[0]["standards"][0]["slug"] == "bfs-2020-5"
    by_county = client.get("/api/v1/experiences?county=09").json["items"]
    assert [e["id"] for e in by_county] == [other]
    by_kind = client.get("/api/v1/experiences?kind=supplier").json
    assert by_kind["items"] == [] and by_kind["total"] == 0
    rows = read_csv(client.get("/api/v1/experiences.csv?tag=gis"))
    assert [(r["id"], r["organization"], r["tags"]) for r in rows] == [
        (str(gis), "vallentuna", "gis")
    ]


def test_experience_detail(client, make_experience):
    experience_id = make_experience("vallentuna", tags=["dialog"], standards=["bfs-2020-5"])
    response = client.get(f"/api/v1/experiences/{experience_id}")
    assert response.status_code == 200
    body = response.json
    assert body["body"] == "Text om **lärdomar**."
    assert body["organization"]["slug"] == "vallentuna"
    assert body["tags"] == ["dialog"]
    assert [s["slug"] for s in body["standards"]] == ["bfs-2020-5"]
    assert body["comments"] == []
    assert "ETag" in response.headers and "Last-Modified" in response.headers


def test_a_draft_is_visible_only_to_its_organisation(
    app, client, make_user, make_token, make_experience, search_index
):
    from tests.search.support import index_now

    draft = make_experience("vallentuna", publish=False, title="Hemligt utkast")
    published = make_experience("vallentuna", title="Öppen erfarenhet")
    with app.app_context():
        index_now()
    member = bearer(make_token(make_user(member_of="vallentuna", role="member")))
    outsider = bearer(make_token(make_user(member_of="gotland", role="admin")))
    for headers in ({}, outsider):
        assert client.get(f"/api/v1/experiences/{draft}", headers=headers).status_code == 404
        listed = client.get("/api/v1/experiences?per_page=100", headers=headers).json
        assert [e["id"] for e in listed["items"]] == [published]
        rows = read_csv(client.get("/api/v1/experiences.csv", headers=headers))
        assert [r["id"] for r in rows] == [str(published)]
        found = client.get("/api/v1/search?q=utkast", headers=headers).json
        assert found["total"] == 0 and found["items"] == []
        found = client.get("/api/v1/search?q=hemligt&type=experience", headers=headers).json
        assert found["total"] == 0 and found["items"] == []
    # Members of the organisation see its draft.
    response = client.get(f"/api/v1/experiences/{draft}", headers=member)
    assert response.status_code == 200
    assert response.json["status"] == "draft"


@pytest.mark.parametrize("actor", ACTORS)
def test_create_experience(app, client, people, make_token, actor):
    headers = tokens_for(make_token, people("vallentuna"))[actor]
    response = client.post(
        "/api/v1/experiences",
        json={
            "organization": "vallentuna",
            "title": "Dialog med leverantören",
            "body": "Vi träffas **varje månad**.",
            "tags": ["Dialog", "leverantörer"],
            "standard_ids": [],
        },
        headers=headers,
    )
    if actor in MEMBERS:
        assert response.status_code == 201, response.json
        assert response.json["status"] == "draft"
        assert response.json["tags"] == ["dialog", "leverantörer"]
        assert response.json["organization"]["slug"] == "vallentuna"
    else:
        assert_refused(response, actor)
        assert count_rows(app, Experience) == 0


@pytest.mark.parametrize("actor", ACTORS)
def test_update_experience(app, client, people, make_token, make_experience, actor):
    headers = tokens_for(make_token, people("vallentuna"))[actor]
    experience_id = make_experience("vallentuna")  # written by another member
    response = client.put(
        f"/api/v1/experiences/{experience_id}",
        json={"title": "Ny titel", "body": "Ny text", "tags": ["gis"]},
        headers=headers,
    )
    with app.app_context():
        title = db.session.get(Experience, experience_id).title
    if actor in EDITORS:
        assert response.status_code == 200, response.json
        assert response.json["tags"] == ["gis"]
        assert title == "Ny titel"
    else:
        assert_refused(response, actor)
        assert title == "Förankra arbetet"


def test_author_may_update_own_experience(app, client, make_user, make_token, make_experience):
    author = make_user(member_of="vallentuna", role="member")
    experience_id = make_experience("vallentuna", author_id=author)
    response = client.put(
        f"/api/v1/experiences/{experience_id}",
        json={"title": "Min titel", "body": "Text"},
        headers=bearer(make_token(author, write=True)),
    )
    assert response.status_code == 200
    assert response.json["title"] == "Min titel"


@pytest.mark.parametrize("actor", ACTORS)
def test_publish_experience(app, client, people, make_token, make_experience, actor):
    headers = tokens_for(make_token, people("vallentuna"))[actor]
    experience_id = make_experience("vallentuna", publish=False)
    response = client.post(f"/api/v1/experiences/{experience_id}/publish", headers=headers)
    with app.app_context():
        status = db.session.get(Experience, experience_id).status
    if actor in EDITORS:
        assert response.status_code == 200
        assert response.json["status"] == "published"
        assert status == ExperienceStatus.PUBLISHED
    else:
        # A draft does not exist for outsiders; members see it but may not publish it.
        expected = 403 if actor == "member" else 404
        assert_refused(response, actor, expected)
        assert status == ExperienceStatus.DRAFT


@pytest.mark.parametrize("actor", ACTORS)
def test_unpublish_experience(app, client, people, make_token, make_experience, actor):
    headers = tokens_for(make_token, people("vallentuna"))[actor]
    experience_id = make_experience("vallentuna")
    response = client.post(f"/api/v1/experiences/{experience_id}/unpublish", headers=headers)
    with app.app_context():
        status = db.session.get(Experience, experience_id).status
    if actor in EDITORS:
        assert response.status_code == 200
        assert status == ExperienceStatus.DRAFT
    else:
        assert_refused(response, actor)
        assert status == ExperienceStatus.PUBLISHED


def test_unverified_organisation_cannot_publish(
    app, client, make_user, make_token, make_experience
):
    experience_id = make_experience("vallentuna", publish=False)
    editor = make_user(member_of="vallentuna", role="editor")
    with app.app_context():
        org("vallentuna").verified = False
        db.session.commit()
    response = client.post(
        f"/api/v1/experiences/{experience_id}/publish",
        headers=bearer(make_token(editor, write=True)),
    )
    assert response.status_code == 422


@pytest.mark.parametrize("actor", ACTORS)
def test_comment(app, client, people, make_token, make_experience, actor):
    headers = tokens_for(make_token, people("vallentuna"))[actor]
    experience_id = make_experience("vallentuna")
    response = client.post(
        f"/api/v1/experiences/{experience_id}/comments", json={"body": "Tack!"}, headers=headers
    )
    if actor == "anonymous":
        assert_refused(response, actor)
        assert count_rows(app, ExperienceComment) == 0
    else:
        assert response.status_code == 201
        assert response.json["body"] == "Tack!"
        detail = client.get(f"/api/v1/experiences/{experience_id}")
        assert [c["body"] for c in detail.json["comments"]] == ["Tack!"]


def test_removed_comments_are_not_shown(app, client, make_user, make_token, make_experience):
    from portal.experiences import services as experience_services

    experience_id = make_experience("vallentuna")
    commenter = make_user()
    headers = bearer(make_token(commenter, write=True))
    for text in ("Bra", "Dålig"):
        client.post(
            f"/api/v1/experiences/{experience_id}/comments", json={"body": text}, headers=headers
        )
    with app.app_context():
        comment = db.session.scalar(
            select(ExperienceComment).where(ExperienceComment.body == "Dålig")
        )
        experience_services.remove_comment(user(commenter), comment)
        db.session.commit()
    detail = client.get(f"/api/v1/experiences/{experience_id}")
    assert [c["body"] for c in detail.json["comments"]] == ["Bra"]


def test_drafts_cannot_be_commented(app, client, make_user, make_token, make_experience):
    experience_id = make_experience("vallentuna", publish=False)
    member = make_user(member_of="vallentuna", role="member")
    response = client.post(
        f"/api/v1/experiences/{experience_id}/comments",
        json={"body": "Hej"},
        headers=bearer(make_token(member, write=True)),
    )
    assert response.status_code == 422
