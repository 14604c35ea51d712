"""Needs and supplier answers through the API: reads (filters, sorting, CSV, history) and every
write tried by every kind of actor with a write token, the state checked in the database."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.needs.models import AdaptationNeed, NeedBacking, NeedStatus, SupplierAnswer
from tests.api.conftest import bearer
from tests.api.support import assert_refused, count_rows, read_csv, tokens_for
from tests.content_fixtures import ACTORS, org, user

EDITORS = {"editor", "org_admin", "site_admin"}
MEMBERS = {"member", "editor", "org_admin", "site_admin"}


def test_need_list_filters_and_sorts(app, client, make_user, make_need):
    from portal.needs import services as need_services
    from portal.needs.models import ProductArea

    older = make_need("vallentuna", title="Äldre", standard="bfs-2020-5")
    newer = make_need("gotland", title="Nyare")
    backer = make_user(member_of="gotland", role="editor")
    with app.app_context():
        need_services.back_need(
            user(backer), db.session.get(need_services.AdaptationNeed, older), org("gotland")
        )
        db.session.get(need_services.AdaptationNeed, newer).product_area = ProductArea.GIS
        db.session.commit()
    backed = client.get("/api/v1/needs").json["items"]
    assert [(n["id"], n["backing_count"]) for n in backed] == [(older, 1), (newer, 0)]
    newest = client.get("/api/v1/needs?sort=newest").json["items"]
    assert [n["id"] for n in newest] == [newer, older]
    assert [n["id"] for n in client.get("/api/v1/needs?area=gis").json["items"]] == [newer]
    assert [n["id"] for n in client.get("/api/v1/needs?standard=bfs-2020-5").json["items"]] == [
        older
    ]
    assert [n["id"] for n in client.get("/api/v1/needs?county=09").json["items"]] == [newer]
    assert client.get("/api/v1/needs?status=resolved").json["total"] == 0
    assert client.get("/api/v1/needs?sort=bogus").status_code == 422
    rows = read_csv(client.get("/api/v1/needs.csv?sort=backed"))
    assert [(r["id"], r["backing_count"], r["standard"]) for r in rows] == [
        (str(older), "1", "bfs-2020-5"),
        (str(newer), "0", ""),
    ]


def test_need_detail_has_backings_and_answers_with_versions(
    app, client, make_user, make_token, make_need, make_supplier
):
    need_id = make_need("vallentuna")
    slug = make_supplier()
    supplier = bearer(make_token(make_user(member_of=slug), write=True))
    gotland = bearer(make_token(make_user(member_of="gotland", role="editor"), write=True))
    client.post(f"/api/v1/needs/{need_id}/backing", json={"organization": "0980"}, headers=gotland)
    answer = client.post(
        f"/api/v1/needs/{need_id}/answers",
        json={"organization": slug, "product": "P1", "support_status": "planned"},
        headers=supplier,
    ).json
    client.put(
        f"/api/v1/needs/{need_id}/answers/{answer['id']}",
        json={"product": "P2", "support_status": "supported", "available_from": "2026-05-01"},
        headers=supplier,
    )
    response = client.get(f"/api/v1/needs/{need_id}")
    assert response.status_code == 200
    need = response.json
    assert [b["organization"]["slug"] for b in need["backings"]] == ["gotland"]
    assert need["backings"][0]["organization"]["name"]
    assert need["backings"][0]["created_at"]
    [answer] = need["answers"]
    assert (answer["product"], answer["support_status"], answer["available_from"]) == (
        "P2",
        "supported",
        "2026-05-01",
    )
    assert answer["accepted"] is False
    assert [(v["number"], v["product"]) for v in answer["versions"]] == [(1, "P1")]
    assert client.get("/api/v1/needs/999999").status_code == 404


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
        assert count_rows(app, AdaptationNeed) == 0


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
    assert count_rows(app, AdaptationNeed) == 0


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
        assert count_rows(app, NeedBacking) == 1
        gone = client.delete(url, query_string={"organization": "gotland"}, headers=headers)
        assert gone.status_code == 204
        assert count_rows(app, NeedBacking) == 0
    else:
        assert_refused(response, actor)
        assert count_rows(app, NeedBacking) == 0


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
        assert count_rows(app, NeedBacking) == 0
    else:
        assert_refused(response, actor)
        assert count_rows(app, NeedBacking) == 1


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
        assert count_rows(app, SupplierAnswer) == 0


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
    assert count_rows(app, SupplierAnswer) == 0


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
