"""Reading experiences, needs and search through the API: content, filters, CSV, drafts never
leaking, and a bounded number of SQL queries whatever the page and data size."""

from __future__ import annotations

import csv
import io

import pytest

from portal.extensions import db
from tests.api.conftest import bearer
from tests.exchange.conftest import org, user


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


# --- experiences -----------------------------------------------------------------------------


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
    rows = _csv(client.get("/api/v1/experiences.csv?tag=gis"))
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
        rows = _csv(client.get("/api/v1/experiences.csv", headers=headers))
        assert [r["id"] for r in rows] == [str(published)]
        found = client.get("/api/v1/search?q=utkast", headers=headers).json
        assert found["total"] == 0 and found["items"] == []
        found = client.get("/api/v1/search?q=hemligt&type=experience", headers=headers).json
        assert found["total"] == 0 and found["items"] == []
    # Members of the organisation see its draft.
    response = client.get(f"/api/v1/experiences/{draft}", headers=member)
    assert response.status_code == 200
    assert response.json["status"] == "draft"


def test_huge_ids_are_404(client):
    for url in ("/api/v1/experiences/99999999999999999999", "/api/v1/needs/99999999999"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json["code"] == 404


# --- needs -----------------------------------------------------------------------------------


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
    rows = _csv(client.get("/api/v1/needs.csv?sort=backed"))
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


# --- search ----------------------------------------------------------------------------------


def test_search_answers_as_the_page(app, client, search_index):
    from portal.search import services

    response = client.get("/api/v1/search?q=detaljplan&type=standard&per_page=5")
    assert response.status_code == 200
    body = response.json
    with app.test_request_context():
        page = services.search("detaljplan", selected={"type": ["standard"]}, per_page=5)
        expected = [(h.doc_type, "".join(s.text for s in h.title), h.url) for h in page.hits]
    assert body["total"] == page.page.total > 0
    assert [(i["type"], i["title"], i["url"]) for i in body["items"]] == expected
    item = body["items"][0]
    assert any(s["hit"] for s in item["title_segments"] + item["snippet_segments"])
    assert "[[" not in item["title"] and "[[" not in item["snippet"]
    assert "[[" in item["snippet_marked"] or any(s["hit"] for s in item["title_segments"])
    types = {f["name"]: f for f in body["facets"]}["type"]
    assert [(v["value"], v["count"], v["selected"]) for v in types["values"]] == [
        ("standard", body["total"], True)
    ]
    misspelt = client.get("/api/v1/search?q=detaljplam").json
    assert misspelt["suggestion"] == "detaljplan"
    assert client.get("/api/v1/search?sort=nonsense").status_code == 422


# --- bounded queries -------------------------------------------------------------------------


def _add_content(app, make_user, n: int) -> None:
    from portal.experiences import services as experience_services
    from portal.needs import services as need_services

    if not n:
        return
    author = make_user(member_of="vallentuna", role="editor")
    backer = make_user(member_of="gotland", role="editor")
    with app.app_context():
        for i in range(n):
            experience = experience_services.create_experience(
                user(author),
                org("vallentuna"),
                title=f"Erfarenhet {i}",
                body="Text",
                tags=[f"tag{i}", "gemensam"],
                standard_ids=[1, 2],
            )
            experience_services.publish_experience(user(author), experience)
            experience_services.add_comment(user(backer), experience, "Bra")
            need = need_services.post_need(
                user(author),
                org("vallentuna"),
                title=f"Behov {i}",
                description="Text",
                standard_id=1,
            )
            need_services.back_need(user(backer), need, org("gotland"))
        db.session.commit()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/experiences?per_page={n}",
        "/api/v1/experiences.csv",
        "/api/v1/needs?per_page={n}",
        "/api/v1/needs?per_page={n}&sort=newest&county=01",
        "/api/v1/needs.csv",
        "/api/v1/search?q=erfarenhet+behov&per_page={n}",
    ],
)
def test_lists_issue_a_bounded_number_of_queries(
    app, client, make_user, count_queries, search_index, url
):
    counts = []
    for extra, per_page in ((1, 1), (30, 100)):
        _add_content(app, make_user, extra)
        with count_queries() as log:
            response = client.get(url.format(n=per_page))
        assert response.status_code == 200
        counts.append(log.count)
    # Equal counts prove the bound; the ceiling allows search to load each registered content
    # type's result rows in one batch (organisations, standards, plans, experiences, needs).
    assert counts[0] == counts[1] <= 14, counts


def test_details_issue_a_bounded_number_of_queries(app, client, make_user, count_queries):
    from sqlalchemy import select

    from portal.experiences import services as experience_services
    from portal.experiences.models import Experience
    from portal.needs.models import AdaptationNeed

    commenter = make_user()
    counts = []
    for extra in (1, 20):
        _add_content(app, make_user, extra)
        with app.app_context():
            experience_id = db.session.scalar(select(Experience.id).limit(1))
            need_id = db.session.scalar(select(AdaptationNeed.id).limit(1))
            experience = db.session.get(Experience, experience_id)
            for _ in range(extra):  # more comments on the same experience
                experience_services.add_comment(user(commenter), experience, "Och en till")
            db.session.commit()
        with count_queries() as log:
            assert client.get(f"/api/v1/experiences/{experience_id}").status_code == 200
            assert client.get(f"/api/v1/needs/{need_id}").status_code == 200
        counts.append(log.count)
    assert counts[0] == counts[1] <= 16, counts


def test_responses_with_real_content_match_their_documented_schemas(
    app, client, make_user, make_token, make_need, make_experience, make_supplier, search_index
):
    """Schemathesis mostly meets empty data; here every read and write answers with content."""
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    experience_id = make_experience("vallentuna", tags=["gis"], standards=["bfs-2020-5"])
    need_id = make_need("vallentuna", standard="bfs-2020-5")
    slug = make_supplier()
    supplier = bearer(make_token(make_user(member_of=slug), write=True))
    gotland = bearer(make_token(make_user(member_of="gotland", role="editor"), write=True))
    vallentuna = bearer(make_token(make_user(member_of="vallentuna", role="editor"), write=True))
    exchanges = [
        ("POST", "/api/v1/experiences/{experience_id}/comments", gotland, {"body": "Bra"}),
        ("POST", "/api/v1/needs/{need_id}/backing", gotland, {"organization": "gotland"}),
        (
            "POST",
            "/api/v1/needs/{need_id}/answers",
            supplier,
            {"organization": slug, "product": "P", "support_status": "planned"},
        ),
        (
            "PUT",
            "/api/v1/needs/{need_id}/answers/{answer_id}",
            supplier,
            {"product": "Q", "support_status": "supported", "available_from": "2027-01-01"},
        ),
        (
            "POST",
            "/api/v1/needs/{need_id}/answers/{answer_id}/accept",
            vallentuna,
            {"accepted": True},
        ),
        ("GET", "/api/v1/experiences", {}, None),
        ("GET", "/api/v1/experiences/{experience_id}", {}, None),
        ("GET", "/api/v1/needs", {}, None),
        ("GET", "/api/v1/needs/{need_id}", {}, None),
        ("GET", "/api/v1/search", {}, None),
        (
            "PUT",
            "/api/v1/experiences/{experience_id}",
            vallentuna,
            {"title": "T", "body": "B", "tags": ["x"], "standard_ids": [1]},
        ),
        ("POST", "/api/v1/experiences/{experience_id}/unpublish", vallentuna, None),
        ("POST", "/api/v1/experiences/{experience_id}/publish", vallentuna, None),
        ("POST", "/api/v1/needs/{need_id}/status", vallentuna, {"status": "resolved"}),
        (
            "PUT",
            "/api/v1/needs/{need_id}",
            vallentuna,
            {"title": "T", "description": "D", "standard_id": 1, "desired_by": "2027-01-01"},
        ),
        (
            "POST",
            "/api/v1/experiences",
            vallentuna,
            {"organization": "vallentuna", "title": "T", "body": "B", "standard_ids": [1]},
        ),
        (
            "POST",
            "/api/v1/needs",
            vallentuna,
            {"organization": "vallentuna", "title": "T", "description": "D"},
        ),
    ]
    ids = {"experience_id": experience_id, "need_id": need_id, "answer_id": 0}
    for method, path, headers, body in exchanges:
        url = path.format(**ids)
        query = "?q=detaljplan" if path.endswith("search") else ""
        response = client.open(url + query, method=method, json=body, headers=headers)
        assert response.status_code < 300, (method, url, response.json)
        if path.endswith("/answers"):
            ids["answer_id"] = response.json["id"]
        schema[path][method].validate_response(response)
