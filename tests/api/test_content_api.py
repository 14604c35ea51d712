"""Experiences, needs and search through the API together: unknown ids, search, a bounded
number of SQL queries whatever the page and data size, documented schemas, token scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.experiences.models import Experience, ExperienceComment
from portal.extensions import db
from portal.needs.models import AdaptationNeed, NeedBacking, NeedStatus
from tests.api.conftest import bearer
from tests.api.support import count_rows
from tests.api.test_needs_api import NEED
from tests.content_fixtures import org, user


def test_huge_ids_are_404(client):
    for url in ("/api/v1/experiences/99999999999999999999", "/api/v1/needs/99999999999"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json["code"] == 404


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
    before = [
        count_rows(app, m) for m in (Experience, AdaptationNeed, NeedBacking, ExperienceComment)
    ]
    response = getattr(client, method)(
        path.format(need=need_id, experience=experience_id),
        json=body,
        headers=bearer(make_token(admin, write=False)),
    )
    assert response.status_code == 403
    after = [
        count_rows(app, m) for m in (Experience, AdaptationNeed, NeedBacking, ExperienceComment)
    ]
    assert before == after
    with app.app_context():
        assert db.session.get(AdaptationNeed, need_id).status == NeedStatus.OPEN
