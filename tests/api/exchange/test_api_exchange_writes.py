"""Every exchange write through the API, tried by every kind of actor with a write token.

The same actors as tests/exchange/test_role_matrix.py (the browser): the state is checked in the
database, so a handler that skipped the service's permission check fails here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.experiences.models import Experience, ExperienceComment, ExperienceStatus
from portal.extensions import db
from portal.needs.models import AdaptationNeed, NeedBacking, NeedStatus, SupplierAnswer
from tests.api.conftest import bearer
from tests.api.exchange.support import assert_refused, tokens_for
from tests.exchange.conftest import ACTORS, org, user

EDITORS = {"editor", "org_admin", "site_admin"}
MEMBERS = {"member", "editor", "org_admin", "site_admin"}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- experiences -----------------------------------------------------------------------------


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
        assert _count(app, Experience) == 0


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
        assert _count(app, ExperienceComment) == 0
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


# --- needs -----------------------------------------------------------------------------------

NEED = {"organization": "vallentuna", "title": "Export", "description": "Vi behöver export."}


@pytest.mark.parametrize("actor", ACTORS)
def test_post_need(app, client, people, make_token, actor):
    headers = tokens_for(make_token, people("vallentuna"))[actor]
    response = client.post(
        "/api/v1/needs",
        json={**NEED, "product_area": "gis", "desired_by": "2027-06-30"},
        headers=headers,
    )
    if actor in EDITORS:
        assert response.status_code == 201, response.json
        assert response.json["status"] == "open"
        assert response.json["product_area"] == "gis"
        assert response.json["desired_by"] == "2027-06-30"
    else:
        assert_refused(response, actor)
        assert _count(app, AdaptationNeed) == 0


def test_supplier_cannot_post_need(app, client, make_user, make_token, make_supplier):
    slug = make_supplier()
    editor = make_user(member_of=slug, role="admin")
    response = client.post(
        "/api/v1/needs",
        json={**NEED, "organization": slug},
        headers=bearer(make_token(editor, write=True)),
    )
    assert response.status_code == 422
    assert "organization" in response.json["errors"]
    assert _count(app, AdaptationNeed) == 0


def test_unknown_organisation_is_a_field_error(client, make_user, make_token):
    editor = make_user(member_of="vallentuna", role="editor")
    response = client.post(
        "/api/v1/needs",
        json={**NEED, "organization": "nowhere"},
        headers=bearer(make_token(editor, write=True)),
    )
    assert response.status_code == 422
    assert "organization" in response.json["errors"]


@pytest.mark.parametrize("actor", ACTORS)
def test_update_need(app, client, people, make_token, make_need, actor):
    headers = tokens_for(make_token, people("vallentuna"))[actor]
    need_id = make_need("vallentuna")
    response = client.put(
        f"/api/v1/needs/{need_id}",
        json={"title": "Ny titel", "description": "Ny text"},
        headers=headers,
    )
    with app.app_context():
        title = db.session.get(AdaptationNeed, need_id).title
    if actor in EDITORS:
        assert response.status_code == 200
        assert title == "Ny titel"
    else:
        assert_refused(response, actor)
        assert title == "Export av detaljplaner"


@pytest.mark.parametrize("actor", ACTORS)
def test_resolve_need(app, client, people, make_token, make_need, actor):
    headers = tokens_for(make_token, people("vallentuna"))[actor]
    need_id = make_need("vallentuna")
    response = client.post(
        f"/api/v1/needs/{need_id}/status", json={"status": "resolved"}, headers=headers
    )
    with app.app_context():
        status = db.session.get(AdaptationNeed, need_id).status
    if actor in EDITORS:
        assert response.status_code == 200
        assert status == NeedStatus.RESOLVED
        closed = client.post(
            f"/api/v1/needs/{need_id}/status", json={"status": "closed"}, headers=headers
        )
        assert closed.status_code == 422  # resolved -> closed is not a transition
    else:
        assert_refused(response, actor)
        assert status == NeedStatus.OPEN


@pytest.mark.parametrize("actor", ACTORS)
def test_back_and_unback_need(app, client, people, make_token, make_need, actor):
    headers = tokens_for(make_token, people("gotland"))[actor]
    need_id = make_need("vallentuna")
    url = f"/api/v1/needs/{need_id}/backing"
    response = client.post(url, json={"organization": "gotland"}, headers=headers)
    if actor in EDITORS:
        assert response.status_code == 201, response.json
        assert [b["organization"]["slug"] for b in response.json["backings"]] == ["gotland"]
        assert response.json["backing_count"] == 1
        again = client.post(url, json={"organization": "gotland"}, headers=headers)
        assert again.status_code == 422  # backing once
        assert _count(app, NeedBacking) == 1
        gone = client.delete(url, query_string={"organization": "gotland"}, headers=headers)
        assert gone.status_code == 204
        assert _count(app, NeedBacking) == 0
    else:
        assert_refused(response, actor)
        assert _count(app, NeedBacking) == 0


@pytest.mark.parametrize("actor", ACTORS)
def test_unback_need_by_others(app, client, people, make_user, make_token, make_need, actor):
    headers = tokens_for(make_token, people("gotland"))[actor]
    need_id = make_need("vallentuna")
    gotland_editor = make_user(member_of="gotland", role="editor")
    url = f"/api/v1/needs/{need_id}/backing"
    backed = client.post(
        url,
        json={"organization": "gotland"},
        headers=bearer(make_token(gotland_editor, write=True)),
    )
    assert backed.status_code == 201
    response = client.delete(url, query_string={"organization": "gotland"}, headers=headers)
    if actor in EDITORS:
        assert response.status_code == 204
        assert _count(app, NeedBacking) == 0
    else:
        assert_refused(response, actor)
        assert _count(app, NeedBacking) == 1


ANSWER = {"product": "Planprodukt 3", "support_status": "planned", "available_from": "2027-01-01"}


@pytest.mark.parametrize("actor", ACTORS)
def test_answer_need(app, client, people, make_token, make_need, make_supplier, actor):
    slug = make_supplier()
    headers = tokens_for(make_token, people(slug))[actor]
    need_id = make_need("vallentuna")
    response = client.post(
        f"/api/v1/needs/{need_id}/answers", json={**ANSWER, "organization": slug}, headers=headers
    )
    if actor in MEMBERS:
        assert response.status_code == 201, response.json
        assert response.json["support_status"] == "planned"
        assert response.json["versions"] == []
        detail = client.get(f"/api/v1/needs/{need_id}").json
        assert detail["status"] == "answered"
        assert detail["answers"][0]["organization"]["slug"] == slug
    else:
        assert_refused(response, actor)
        assert _count(app, SupplierAnswer) == 0


def test_municipality_cannot_answer(app, client, make_user, make_token, make_need):
    need_id = make_need("vallentuna")
    editor = make_user(member_of="gotland", role="admin")
    response = client.post(
        f"/api/v1/needs/{need_id}/answers",
        json={**ANSWER, "organization": "gotland"},
        headers=bearer(make_token(editor, write=True)),
    )
    assert response.status_code == 422
    assert "organization" in response.json["errors"]
    assert _count(app, SupplierAnswer) == 0


def _answer(app, client, make_user, make_token, make_need, make_supplier) -> tuple[int, int, str]:
    slug = make_supplier()
    need_id = make_need("vallentuna")
    supplier_member = make_user(member_of=slug, role="member")
    response = client.post(
        f"/api/v1/needs/{need_id}/answers",
        json={**ANSWER, "organization": slug},
        headers=bearer(make_token(supplier_member, write=True)),
    )
    assert response.status_code == 201
    return need_id, response.json["id"], slug


@pytest.mark.parametrize("actor", ACTORS)
def test_update_answer_keeps_history(
    app, client, people, make_user, make_token, make_need, make_supplier, actor
):
    need_id, answer_id, slug = _answer(app, client, make_user, make_token, make_need, make_supplier)
    headers = tokens_for(make_token, people(slug))[actor]
    response = client.put(
        f"/api/v1/needs/{need_id}/answers/{answer_id}",
        json={"product": "Planprodukt 4", "support_status": "supported"},
        headers=headers,
    )
    if actor in MEMBERS:
        assert response.status_code == 200, response.json
        assert response.json["product"] == "Planprodukt 4"
        versions = response.json["versions"]
        assert [(v["number"], v["product"], v["support_status"]) for v in versions] == [
            (1, "Planprodukt 3", "planned")
        ]
    else:
        assert_refused(response, actor)
        with app.app_context():
            assert db.session.get(SupplierAnswer, answer_id).product == "Planprodukt 3"


@pytest.mark.parametrize("actor", ACTORS)
def test_accept_answer(app, client, people, make_user, make_token, make_need, make_supplier, actor):
    need_id, answer_id, _slug = _answer(
        app, client, make_user, make_token, make_need, make_supplier
    )
    headers = tokens_for(make_token, people("vallentuna"))[actor]
    response = client.post(
        f"/api/v1/needs/{need_id}/answers/{answer_id}/accept",
        json={"accepted": True},
        headers=headers,
    )
    with app.app_context():
        accepted = db.session.get(SupplierAnswer, answer_id).accepted
    if actor in EDITORS:
        assert response.status_code == 200
        assert response.json["accepted"] is True
        assert accepted
    else:
        assert_refused(response, actor)
        assert not accepted


# --- token scope -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/experiences", {"organization": "vallentuna", "title": "T", "body": "B"}),
        ("post", "/api/v1/needs", NEED),
        ("post", "/api/v1/needs/{need}/backing", {"organization": "gotland"}),
        ("post", "/api/v1/needs/{need}/status", {"status": "closed"}),
        ("post", "/api/v1/experiences/{experience}/comments", {"body": "Hej"}),
    ],
)
def test_read_token_cannot_write(
    app, client, make_user, make_token, make_need, make_experience, method, path, body
):
    need_id = make_need("vallentuna")
    experience_id = make_experience("vallentuna")
    admin = make_user(site_admin=True)
    before = [_count(app, m) for m in (Experience, AdaptationNeed, NeedBacking, ExperienceComment)]
    response = getattr(client, method)(
        path.format(need=need_id, experience=experience_id),
        json=body,
        headers=bearer(make_token(admin, write=False)),
    )
    assert response.status_code == 403
    after = [_count(app, m) for m in (Experience, AdaptationNeed, NeedBacking, ExperienceComment)]
    assert before == after
    with app.app_context():
        assert db.session.get(AdaptationNeed, need_id).status == NeedStatus.OPEN
