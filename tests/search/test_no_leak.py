"""Only what the sources say is public is ever in results, snippets, counts or suggestions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.orgs.models import Organisation
from portal.search.services import search
from tests.search.support import add_org, index_now, titles

pytestmark = pytest.mark.usefixtures("search_index")


def _page(client, **params) -> str:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_unverified_organisation_is_not_searchable_until_verified(app, client, make_user, login_as):
    owner = make_user("owner@example.com")
    login_as(owner)
    response = client.post(
        "/organizations/new",
        data={
            "name": "Obekräftade Bygg AB",
            "kind": "supplier",
            "description": "Vi säljer zyxplattformen för bygglov.",
        },
    )
    assert response.status_code == 302
    # Not in results, not in facet counts, not in "did you mean".
    html = _page(client, q="zyxplattformen")
    assert "Obekräftade" not in html and "0 träffar" in html
    assert "zyxplattform" not in html.replace("zyxplattformen", "")
    assert "Menade du" not in _page(client, q="zyxplatformen")
    before = search_count(app, "bygglov")
    admin = make_user("admin@example.com", site_admin=True)
    client.post("/auth/logout")
    login_as(admin)
    with app.app_context():
        slug = db.session.scalar(
            sa.select(Organisation.slug).where(Organisation.name.like("Obekr%"))
        )
    assert client.post(f"/organizations/{slug}/verify").status_code == 302
    # Verified: findable at once, counted in the facets, offered as a suggestion.
    assert "Obekräftade Bygg AB" in _page(client, q="zyxplattformen")
    assert search_count(app, "bygglov") == before + 1
    assert "zyxplattformen" in _page(client, q="zyxplatformen")


def search_count(app, text: str) -> int:
    with app.test_request_context():
        return search(text).page.total


def test_deleting_removes_from_results_counts_facets_and_suggestions_at_once(ctx):
    org_id = add_org("Raderas Snart AB", "Unikt ord: qwxbostadsplan.", county="03")
    index_now()
    results = search("qwxbostadsplan")
    assert titles(results) == ["Raderas Snart AB"]
    assert {v.value for f in results.facets if f.name == "county" for v in f.values} == {"03"}
    assert search("qwxbostadsplam").suggestion == "qwxbostadsplan"

    db.session.delete(db.session.get(Organisation, org_id))
    db.session.commit()
    index_now()
    gone = search("qwxbostadsplan")
    assert gone.page.total == 0 and gone.hits == [] and gone.facets == []
    assert search("qwxbostadsplam").suggestion is None
    # Facets of a broad query no longer count it either.
    counties = {
        v.value: v.count
        for f in search("ab", selected={"county": ["03"]}).facets
        if f.name == "county"
        for v in f.values
    }
    assert counties.get("03", 0) == 0


def test_unpublishing_by_bulk_update_removes_it_too(ctx):
    add_org("Massändras AB", "Unikt ord: plxkartportal.")
    index_now()
    assert search("plxkartportal").page.total == 1
    # A bulk statement bypasses the flush; the log records "re-check every organisation".
    db.session.execute(
        sa.update(Organisation).where(Organisation.name == "Massändras AB").values(verified=False)
    )
    db.session.commit()
    index_now()
    assert search("plxkartportal").page.total == 0


def test_snippets_escape_content_and_only_mark_matches(client, ctx):
    add_org("Skripttest AB", 'Om bygglov <script>alert("x")</script> <b>fet</b> & mer.')
    index_now()
    html = _page(client, q="skripttest bygglov")
    assert "<script>alert" not in html and "<b>fet</b>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>bygglov</mark>" in html
