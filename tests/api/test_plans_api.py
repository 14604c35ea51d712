"""/api/v1/plans: reads, drafts' visibility, writes by token under the browser's rules."""

from __future__ import annotations

import csv
import io

import pytest

from tests.api.conftest import bearer
from tests.plans import conftest as plan_fixtures
from tests.plans.conftest import plans_snapshot

make_plan = plan_fixtures.make_plan  # the plans' factory fixture, here too

STEPS = [
    ("Ny e-tjänst", "2024-07-01", "2025-06-30", 365_000),
    ("Skanning", "2025-01-01", "2025-12-31", 100),
]

BODY = {
    "title": "API-plan",
    "period_start_year": 2025,
    "period_end_year": 2027,
    "current_situation": "Nuläget.",
    "maturity": [{"dimension": "digital_information", "current": 2, "target": 4}],
    "standards": [{"standard": "dcat-ap-se", "status": "in_progress", "note": "Gap"}],
    "steps": [
        {
            "title": "Steg 1",
            "start_date": "2025-01-01",
            "end_date": "2026-12-31",
            "cost_sek": 730,
            "standards": ["dcat-ap-se"],
        }
    ],
}


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["id"] for item in response.json["items"]}


# --- reading ---------------------------------------------------------------------------------


def test_detail_has_every_part_and_a_budget_derived_from_steps(client, make_plan):
    plan_id = make_plan(
        "gotland",
        steps=STEPS,
        standards=["dcat-ap-se"],
        maturity={"digital_information": (1, 3)},
    )
    plan = client.get(f"/api/v1/plans/{plan_id}").json
    assert plan["organization"]["slug"] == "gotland"
    assert plan["organization"]["county"]["code"] == "09"
    assert plan["period"] == {"start_year": 2024, "end_year": 2026}
    assert plan["status"] == "published" and plan["is_current"] is True
    assert [s["title"] for s in plan["steps"]] == ["Ny e-tjänst", "Skanning"]
    assert plan["maturity"] == [
        {
            "dimension": "digital_information",
            "name": plan["maturity"][0]["name"],
            "current": 1,
            "target": 3,
        }
    ]
    assert plan["standards"][0]["slug"] == "dcat-ap-se"
    # 365 000 over 2024-07-01..2025-06-30 pro rata by days, plus 100 in 2025.
    assert plan["budget"]["total_sek"] == 365_100
    assert sum(plan["budget"]["by_year"].values()) == 365_100
    assert set(plan["budget"]["by_year"]) == {"2024", "2025"}
    assert plan["revisions"][0]["number"] == 1


def test_list_filters_sorts_and_budget_totals(client, make_plan):
    gotland = make_plan("gotland", title="Alfa", steps=STEPS)
    vallentuna = make_plan("vallentuna", title="Beta", start=2020, end=2022)
    archived = make_plan("vallentuna", title="Gamma", status="archived")
    assert _ids(client.get("/api/v1/plans")) == {gotland, vallentuna, archived}
    assert _ids(client.get("/api/v1/plans?organization=gotland")) == {gotland}
    assert _ids(client.get("/api/v1/plans?organization=0980")) == {gotland}
    assert _ids(client.get("/api/v1/plans?county=01")) == {vallentuna, archived}
    assert _ids(client.get("/api/v1/plans?status=archived")) == {archived}
    assert _ids(client.get("/api/v1/plans?year=2021")) == {vallentuna}
    assert _ids(client.get("/api/v1/plans?q=alf")) == {gotland}
    assert _ids(client.get("/api/v1/plans?kind=authority")) == set()
    by_budget = client.get("/api/v1/plans?sort=budget").json["items"]
    assert by_budget[0]["id"] == gotland and by_budget[0]["budget"]["total_sek"] == 365_100
    titles = [i["title"] for i in client.get("/api/v1/plans?sort=title").json["items"]]
    assert titles == ["Alfa", "Beta", "Gamma"]
    assert client.get("/api/v1/plans?organization=no-such-org").status_code == 422
    assert client.get("/api/v1/plans?year=99999999999999999999").status_code == 422


def test_standard_filter(client, make_plan):
    with_std = make_plan("gotland", standards=["dcat-ap-se"])
    make_plan("vallentuna")
    assert _ids(client.get("/api/v1/plans?standard=dcat-ap-se")) == {with_std}


def test_csv_export_with_filters(client, make_plan):
    plan_id = make_plan("gotland", title="=HYPERLINK()", steps=STEPS)
    make_plan("vallentuna")
    response = client.get("/api/v1/plans.csv?organization=gotland")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    assert rows[0]["id"] == str(plan_id)
    assert rows[0]["title"] == "'=HYPERLINK()"
    assert rows[0]["budget_total_sek"] == "365100"


def test_revision_snapshot_stays_as_published(app, client, make_plan, make_user, make_token):
    plan_id = make_plan("gotland", title="Första", steps=STEPS)
    editor = make_user(member_of="gotland", role="editor")
    headers = bearer(make_token(editor, write=True))
    assert client.post(f"/api/v1/plans/{plan_id}/reopen", headers=headers).status_code == 200
    changed = client.patch(f"/api/v1/plans/{plan_id}", json={"title": "Andra"}, headers=headers)
    assert changed.status_code == 200, changed.json
    assert changed.json["title"] == "Andra"
    # PATCH kept what it did not name, including step ids.
    assert [s["title"] for s in changed.json["steps"]] == ["Ny e-tjänst", "Skanning"]
    published = client.post(f"/api/v1/plans/{plan_id}/publish", headers=headers)
    assert published.status_code == 200
    assert [r["number"] for r in published.json["revisions"]] == [1, 2]
    first = client.get(f"/api/v1/plans/{plan_id}/revisions/1").json
    assert first["snapshot"]["title"] == "Första"
    assert first["budget"]["total_sek"] == 365_100
    assert client.get(f"/api/v1/plans/{plan_id}/revisions/2").json["snapshot"]["title"] == "Andra"
    assert client.get(f"/api/v1/plans/{plan_id}/revisions/3").status_code == 404


# --- drafts ----------------------------------------------------------------------------------


@pytest.fixture
def draft(make_plan, app):
    """The draft of a Gotland plan's next version (its working copy, by its own id), whose
    title only the draft has."""
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.plans import services

    plan_id = make_plan("gotland", title="Publicerad titel")
    with app.app_context():
        admin = User(email="root@example.com", name="Root", is_site_admin=True)
        draft = services.reopen_plan(admin, services.get_plan(admin, plan_id))
        draft.title = "Hemligt utkast"
        db.session.commit()
        draft_id = draft.id
        db.session.remove()
    return draft_id


def _draft_visible(client, plan_id, headers=None, include=True) -> dict[str, bool]:
    flag = "&include_drafts=true" if include else ""
    list_ids = _ids(client.get(f"/api/v1/plans?per_page=100{flag}", headers=headers))
    csv_text = client.get(f"/api/v1/plans.csv?x=1{flag}", headers=headers).get_data(as_text=True)
    return {
        "list": plan_id in list_ids,
        "csv": "Hemligt utkast" in csv_text,
        "detail": client.get(f"/api/v1/plans/{plan_id}", headers=headers).status_code == 200,
        "revision": client.get(f"/api/v1/plans/{plan_id}/revisions/1", headers=headers).status_code
        == 200,
    }


def test_drafts_are_invisible_to_anonymous_and_other_organisations(
    client, draft, make_user, make_token
):
    nobody = dict.fromkeys(("list", "csv", "detail", "revision"), False)
    assert _draft_visible(client, draft) == nobody
    outsider = make_user(member_of="vallentuna", role="admin")
    assert _draft_visible(client, draft, bearer(make_token(outsider))) == nobody
    member = make_user(member_of="gotland", role="member")
    member_headers = bearer(make_token(member))
    # Members read the draft by its id; lists and CSV show its published plan in its place
    # (even with include_drafts), and it has no revisions of its own.
    assert _draft_visible(client, draft, member_headers) == {**nobody, "detail": True}
    assert not _draft_visible(client, draft, member_headers, include=False)["list"]


# --- writing: the permission matrix ----------------------------------------------------------

ROLES = {
    "other-org member": ("vallentuna", "admin"),
    "member": ("gotland", "member"),
    "editor": ("gotland", "editor"),
    "org admin": ("gotland", "admin"),
    "site admin": (None, None),
}
ALLOWED = {"editor", "org admin", "site admin"}


def _headers(who, make_user, make_token, write=True):
    if who == "anonymous":
        return None
    org, role = ROLES[who]
    user = make_user(site_admin=True) if org is None else make_user(member_of=org, role=role)
    return bearer(make_token(user, write=write))


def _denied_status(who: str, visible_to_them: bool) -> int:
    if who == "anonymous":
        return 401
    return 403 if visible_to_them else 404


@pytest.mark.parametrize("who", ["anonymous", *ROLES])
def test_create_matrix(app, client, who, make_user, make_token):
    headers = _headers(who, make_user, make_token)
    before = plans_snapshot(app)
    response = client.post(
        "/api/v1/plans",
        json={**BODY, "organization": "gotland"},
        headers=headers,
    )
    if who in ALLOWED:
        assert response.status_code == 201, response.json
        assert response.json["status"] == "draft"
        assert response.json["budget"]["total_sek"] == 730
        assert response.json["steps"][0]["standards"] == ["dcat-ap-se"]
        assert response.json["maturity"][0]["current"] == 2
    else:
        assert response.status_code == (401 if who == "anonymous" else 403)
        assert plans_snapshot(app) == before


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("who", ["anonymous", *ROLES])
def test_update_matrix(app, client, draft, who, method, make_user, make_token):
    body = BODY if method == "put" else {"title": "Nytt namn"}
    headers = _headers(who, make_user, make_token)
    before = plans_snapshot(app)
    response = getattr(client, method)(f"/api/v1/plans/{draft}", json=body, headers=headers)
    if who in ALLOWED:
        assert response.status_code == 200, response.json
        assert response.json["title"] == body["title"]
    else:
        visible = who in ("member",)
        assert response.status_code == _denied_status(who, visible)
        # Nothing changed.
        assert plans_snapshot(app) == before
        editor = _headers("editor", make_user, make_token)
        assert client.get(f"/api/v1/plans/{draft}", headers=editor).json["title"] == (
            "Hemligt utkast"
        )


@pytest.mark.parametrize("action", ["publish", "archive", "reopen", "current"])
@pytest.mark.parametrize("who", ["anonymous", *ROLES])
def test_workflow_matrix(app, client, make_plan, draft, who, action, make_user, make_token):
    # publish acts on the draft; the others on a published (not current) plan.
    target = draft if action == "publish" else make_plan("gotland", title="Publicerad")
    if action == "current":
        # A second published plan is not current until someone says so.
        target = make_plan("gotland", title="Ny")
    headers = _headers(who, make_user, make_token)
    before = plans_snapshot(app)
    response = client.post(f"/api/v1/plans/{target}/{action}", headers=headers)
    expected = {"publish": "published", "archive": "archived", "reopen": "draft"}
    if who in ALLOWED:
        assert response.status_code == 200, response.json
        if action == "current":
            assert response.json["is_current"] is True
        else:
            assert response.json["status"] == expected[action]
    else:
        visible = action != "publish" or who == "member"
        assert response.status_code == _denied_status(who, visible)
        assert plans_snapshot(app) == before


def test_read_token_may_not_write(client, draft, make_user, make_token):
    editor = make_user(member_of="gotland", role="editor")
    headers = _headers("editor", make_user, make_token, write=False)
    assert client.post(f"/api/v1/plans/{draft}/publish", headers=headers).status_code == 403
    assert (
        client.patch(f"/api/v1/plans/{draft}", json={"title": "x"}, headers=headers).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/plans", json={**BODY, "organization": "gotland"}, headers=headers
        ).status_code
        == 403
    )
    assert (
        client.get(f"/api/v1/plans/{draft}", headers=bearer(make_token(editor))).status_code == 200
    )


def test_validation_errors_are_422_with_fields(client, draft, make_user, make_token):
    headers = _headers("editor", make_user, make_token)
    bad = {
        **BODY,
        "period_end_year": 2020,
        "steps": [{"title": "", "start_date": "2025-01-01", "end_date": "2024-01-01"}],
        "partners": ["no-such-org"],
    }
    response = client.put(f"/api/v1/plans/{draft}", json=bad, headers=headers)
    assert response.status_code == 422
    errors = response.json["errors"]
    assert "partners" in errors
    bad.pop("partners")
    errors = client.put(f"/api/v1/plans/{draft}", json=bad, headers=headers).json["errors"]
    assert "period_end_year" in errors and "steps-0-title" in errors
    published = client.post(f"/api/v1/plans/{draft}/publish", headers=headers)
    assert published.status_code == 200
    plan_id = published.json["id"]
    # The draft is gone into its plan; a published plan without a draft cannot be edited or
    # published again.
    assert client.get(f"/api/v1/plans/{draft}", headers=headers).status_code == 404
    refused = client.patch(f"/api/v1/plans/{plan_id}", json={"title": "x"}, headers=headers)
    assert refused.status_code == 422 and refused.json["message"]
    assert client.post(f"/api/v1/plans/{plan_id}/publish", headers=headers).status_code == 422
    unknown = client.post("/api/v1/plans", json={**BODY, "organization": "nope"}, headers=headers)
    assert unknown.status_code == 422 and "organization" in unknown.json["errors"]


def test_huge_ids_are_404(client):
    assert client.get(f"/api/v1/plans/{2**70}").status_code == 404
    assert client.get(f"/api/v1/plans/1/revisions/{2**70}").status_code == 404


# --- bounded queries -------------------------------------------------------------------------


def _list_queries(client, count_queries, url, headers=None) -> int:
    with count_queries() as log:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return log.count


def test_list_and_detail_queries_are_bounded(
    client, make_plan, make_user, make_token, count_queries
):
    small_plan = make_plan("gotland", steps=STEPS, standards=["dcat-ap-se"])
    member = bearer(make_token(make_user(member_of="gotland", role="member")))
    urls = ("/api/v1/plans?per_page=100&include_drafts=true", "/api/v1/plans.csv")
    for url in urls:  # warm up (the token's first use is recorded once)
        _list_queries(client, count_queries, url, member)
    small = {url: _list_queries(client, count_queries, url, member) for url in urls}
    detail_small = _list_queries(client, count_queries, f"/api/v1/plans/{small_plan}", member)
    for n in range(12):
        big_plan = make_plan(
            "vallentuna" if n % 2 else "gotland",
            title=f"P{n}",
            status="draft" if n % 3 == 0 else "published",
            steps=STEPS * 3,
            standards=["dcat-ap-se", "bfs-2020-5"],
            maturity={"digital_information": (1, 3)},
        )
    # 13 plans, less the two Vallentuna drafts (n = 3, 9) a Gotland member may not see.
    assert client.get(urls[0], headers=member).json["total"] == 11
    for url, count in small.items():
        assert _list_queries(client, count_queries, url, member) <= count, url
    assert small[urls[0]] <= 8
    detail_big = _list_queries(client, count_queries, f"/api/v1/plans/{big_plan}", member)
    assert detail_big <= detail_small


# --- answers conform to the OpenAPI document -------------------------------------------------


def test_real_answers_conform_to_the_documented_schemas(
    app, client, draft, make_plan, make_user, make_token
):
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    plan_id = make_plan(
        "gotland", steps=STEPS, standards=["dcat-ap-se"], maturity={"digital_information": (1, 3)}
    )
    headers = _headers("editor", make_user, make_token)
    calls = [
        ("GET", "/api/v1/plans", "/api/v1/plans?include_drafts=true", None),
        ("GET", "/api/v1/plans/{plan_id}", f"/api/v1/plans/{plan_id}", None),
        (
            "GET",
            "/api/v1/plans/{plan_id}/revisions/{number}",
            f"/api/v1/plans/{plan_id}/revisions/1",
            None,
        ),
        ("POST", "/api/v1/plans", "/api/v1/plans", {**BODY, "organization": "gotland"}),
        ("PUT", "/api/v1/plans/{plan_id}", f"/api/v1/plans/{draft}", BODY),
        ("PATCH", "/api/v1/plans/{plan_id}", f"/api/v1/plans/{draft}", {"summary": None}),
        ("POST", "/api/v1/plans/{plan_id}/publish", f"/api/v1/plans/{draft}/publish", None),
        ("POST", "/api/v1/plans/{plan_id}/publish", f"/api/v1/plans/{draft}/publish", None),
    ]
    for method, path, url, body in calls:
        response = client.open(url, method=method, json=body, headers=headers)
        assert response.status_code < 500
        operation = schema[path][method]
        operation.validate_response(response)
