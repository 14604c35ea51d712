"""Public reads: the page envelope, filters, slug/code lookup, ETag, CORS, CSV, query counts."""

from __future__ import annotations

import csv
import io

import pytest

from portal.extensions import db
from tests.api.conftest import bearer


def test_list_answers_exactly_the_page_envelope(client):
    body = client.get("/api/v1/organizations").json
    assert set(body) == {"items", "page", "per_page", "total"}
    assert body["page"] == 1 and body["per_page"] == 20
    assert len(body["items"]) == 20
    assert body["total"] > 300  # every municipality and authority of the reference data


def test_per_page_is_capped_at_100(client):
    body = client.get("/api/v1/organizations?per_page=1000").json
    assert body["per_page"] == 100
    assert len(body["items"]) == 100


def test_link_header_points_to_next_and_previous_pages(client):
    first = client.get("/api/v1/organizations?kind=municipality&per_page=50")
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    links = {
        rel: url
        for url, rel in (part.strip().split("; rel=") for part in first.headers["Link"].split(","))
    }
    next_url = links['"next"'].strip("<>")
    assert "page=2" in next_url and "kind=municipality" in next_url and "per_page=50" in next_url
    second = client.get(next_url)
    assert second.json["page"] == 2
    assert 'rel="prev"' in second.headers["Link"]
    names = {o["slug"] for o in first.json["items"]} & {o["slug"] for o in second.json["items"]}
    assert names == set()


def test_list_filters_match_the_organisations_page(client):
    gotland_county = client.get("/api/v1/organizations?county=09").json
    assert {o["slug"] for o in gotland_county["items"]} == {"gotland", "lansstyrelsen-gotland"}
    authorities = client.get("/api/v1/organizations?county=09&kind=authority").json
    assert [o["slug"] for o in authorities["items"]] == ["lansstyrelsen-gotland"]
    found = client.get("/api/v1/organizations?q=vallen").json
    assert "vallentuna" in {o["slug"] for o in found["items"]}


def test_slug_and_municipality_code_answer_the_same_organisation(client):
    by_slug = client.get("/api/v1/organizations/gotland")
    by_code = client.get("/api/v1/organizations/0980")
    assert by_slug.status_code == by_code.status_code == 200
    assert by_slug.json == by_code.json
    assert by_slug.json["municipality_code"] == "0980"
    assert by_slug.json["county"] == {"code": "09", "name": "Gotlands län"}
    assert by_slug.json["updated_at"].endswith("+00:00")


def test_standards_list_and_detail(client):
    body = client.get("/api/v1/standards?per_page=100").json
    assert body["total"] == len(body["items"]) > 5
    slug = body["items"][0]["slug"]
    detail = client.get(f"/api/v1/standards/{slug}")
    assert detail.status_code == 200 and detail.json == body["items"][0]
    assert client.get("/api/v1/standards/no-such-standard").status_code == 404


def test_standards_filter_by_kind(client):
    body = client.get("/api/v1/standards?kind=regulation&per_page=100").json
    assert body["items"] and {s["kind"] for s in body["items"]} == {"regulation"}


@pytest.mark.parametrize(
    "url", ["/api/v1/organizations?county=09", "/api/v1/organizations/gotland", "/api/v1/standards"]
)
def test_conditional_get_answers_304_for_a_matching_etag(client, url):
    first = client.get(url)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_etag_changes_when_the_organisation_changes(app, client):
    etag = client.get("/api/v1/organizations/gotland").headers["ETag"]
    with app.app_context():
        from portal.orgs.services import get_organisation

        get_organisation("gotland").website = "https://gotland.se"
        db.session.commit()
    response = client.get("/api/v1/organizations/gotland", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.json["website"] == "https://gotland.se"


def test_detail_answers_last_modified_and_honours_if_modified_since(client):
    first = client.get("/api/v1/organizations/gotland")
    last_modified = first.headers["Last-Modified"]
    again = client.get(
        "/api/v1/organizations/gotland", headers={"If-Modified-Since": last_modified}
    )
    assert again.status_code == 304
    old = client.get(
        "/api/v1/organizations/gotland",
        headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
    )
    assert old.status_code == 200


def test_anonymous_get_allows_any_origin(client):
    response = client.get(
        "/api/v1/organizations/gotland", headers={"Origin": "https://example.org"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_preflight_allows_conditional_reads_but_not_credentials(client):
    response = client.options(
        "/api/v1/organizations",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
    assert "Authorization" not in response.headers["Access-Control-Allow-Headers"]
    write = client.options(
        "/api/v1/me", headers={"Origin": "https://x.org", "Access-Control-Request-Method": "PATCH"}
    )
    assert "Access-Control-Allow-Origin" not in write.headers


def test_authenticated_requests_and_writes_get_no_cors_header(
    client, make_user, make_token, login_as
):
    user = make_user()
    secret = make_token(user, write=True)
    with_token = client.get("/api/v1/organizations/gotland", headers=bearer(secret))
    assert "Access-Control-Allow-Origin" not in with_token.headers
    write = client.patch("/api/v1/me", json={"name": "New"}, headers=bearer(secret))
    assert write.status_code == 200 and "Access-Control-Allow-Origin" not in write.headers
    anonymous_write = client.patch("/api/v1/me", json={"name": "New"})
    assert "Access-Control-Allow-Origin" not in anonymous_write.headers
    login_as(user)
    with_cookie = client.get("/api/v1/organizations/gotland")
    assert "Access-Control-Allow-Origin" not in with_cookie.headers


def test_organisations_csv_has_a_header_row_and_the_filtered_rows(client):
    response = client.get("/api/v1/organizations.csv?county=09")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["slug", "name", "kind"]
    assert sorted(r[0] for r in rows[1:]) == ["gotland", "lansstyrelsen-gotland"]


def test_organisations_csv_holds_every_match_not_one_page(client):
    response = client.get("/api/v1/organizations.csv?kind=municipality")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) - 1 == client.get("/api/v1/organizations?kind=municipality").json["total"]


def test_organisations_csv_defuses_spreadsheet_formulas(app, client, make_user):
    with app.app_context():
        from portal.accounts.models import User
        from portal.orgs.models import OrganisationKind
        from portal.orgs.services import register_organisation

        user = db.session.get(User, make_user())
        register_organisation(
            user, name='=HYPERLINK("http://evil")', kind=OrganisationKind.SUPPLIER
        )
        db.session.commit()
    text = client.get("/api/v1/organizations.csv?kind=supplier").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def _add_organisations(app, make_user, n: int) -> None:
    from portal.accounts.models import User
    from portal.orgs.models import OrganisationKind
    from portal.orgs.services import register_organisation

    with app.app_context():
        user = db.session.get(User, make_user())
        for i in range(n):
            register_organisation(user, name=f"Leverantör {i}", kind=OrganisationKind.SUPPLIER)
        db.session.commit()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organizations?per_page={n}",
        "/api/v1/organizations?kind=supplier&per_page={n}",
        "/api/v1/organizations.csv?kind=supplier",
        "/api/v1/standards?per_page={n}",
    ],
)
def test_public_lists_issue_a_bounded_number_of_queries(app, client, make_user, count_queries, url):
    counts = []
    for extra, per_page in ((0, 1), (40, 100)):
        _add_organisations(app, make_user, extra)
        with count_queries() as log:
            response = client.get(url.format(n=per_page))
        assert response.status_code == 200
        counts.append(log.count)
    assert counts[0] == counts[1] <= 3, counts


def test_own_lists_issue_a_bounded_number_of_queries(
    app, client, make_user, make_token, count_queries
):
    from portal.core.models import utcnow
    from portal.orgs.models import Membership, MembershipStatus, Role
    from portal.orgs.services import get_organisation

    counts = []
    for memberships in (1, 15):
        user = make_user(member_of="gotland")
        secrets = [make_token(user) for _ in range(memberships)]
        with app.app_context():
            from portal.accounts.models import User

            account = db.session.get(User, user)
            for slug in ("vallentuna", "lund", "uppsala", "orebro", "norrtalje")[
                : memberships // 3
            ]:
                db.session.add(
                    Membership(
                        user=account,
                        organisation=get_organisation(slug),
                        role=Role.MEMBER,
                        status=MembershipStatus.ACTIVE,
                        decided_at=utcnow(),
                    )
                )
            db.session.commit()
        with count_queries() as log:
            me = client.get("/api/v1/me", headers=bearer(secrets[0]))
            tokens = client.get("/api/v1/tokens", headers=bearer(secrets[0]))
        assert me.status_code == tokens.status_code == 200
        assert len(tokens.json) == memberships
        assert len(me.json["memberships"]) == 1 + memberships // 3
        counts.append(log.count)
    assert counts[0] == counts[1] <= 8, counts
