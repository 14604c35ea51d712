"""The home page: counts that agree with the lists they link to, the way in for each kind of
organisation, and the latest public plans, experiences, needs and supplier answers (never a
draft, whoever looks), in a bounded number of queries."""

from __future__ import annotations

import re
from datetime import date

import pytest

from portal.extensions import db
from portal.orgs.models import Organisation, OrganisationKind
from tests.content_fixtures import org, user


@pytest.fixture
def answer(app, make_user):
    """Answer a need on behalf of a supplier (as a site admin, who may act for any)."""
    admin = make_user(site_admin=True)

    def give(need_id: int, supplier_slug: str, product: str) -> None:
        from portal.needs import services
        from portal.needs.models import AdaptationNeed, SupportStatus

        with app.app_context():
            services.answer_need(
                user(admin),
                db.session.get(AdaptationNeed, need_id),
                org(supplier_slug),
                product=product,
                support_status=SupportStatus.PLANNED,
                available_from=date(2027, 3, 1),
                body="Stöd kommer.",
            )
            db.session.commit()
            db.session.remove()

    return give


def test_home_lists_the_latest_public_items_and_never_a_draft_whoever_looks(
    client, login_as, make_user, make_plan, make_experience, make_need, make_supplier, answer
):
    make_plan(title="Publicerad plan Alfa")
    make_plan(status="draft", title="Hemligt planutkast")
    make_experience(title="Publicerad erfarenhet Beta")
    make_experience(title="Opublicerat erfarenhetsutkast", publish=False)
    need = make_need(title="Behov om export Gamma")
    answer(need, make_supplier("Svarande AB"), "Planverktyget Delta")
    viewers = {
        "anonymous": None,
        # Members of Vallentuna, whose drafts these are, may open them, but not here.
        "member": make_user(member_of="vallentuna", role="member"),
        "editor": make_user(member_of="vallentuna", role="editor"),
        "other_org_member": make_user(member_of="gotland", role="admin"),
        "site_admin": make_user(site_admin=True),
    }
    for viewer, user_id in viewers.items():
        if user_id is not None:  # anonymous comes first, before anyone logs in
            login_as(user_id)
        html = client.get("/").get_data(as_text=True)
        for shown in ("Publicerad plan Alfa", "Publicerad erfarenhet Beta", "Svarande AB"):
            assert shown in html, (viewer, shown)
        assert html.count("Behov om export Gamma") == 2, viewer  # the need, and the answer to it
        assert "Planverktyget Delta" in html, viewer
        for hidden in ("Hemligt planutkast", "Opublicerat erfarenhetsutkast"):
            assert hidden not in html, (viewer, hidden)


def test_home_says_so_when_nothing_is_published_yet(client):
    html = client.get("/").get_data(as_text=True)
    assert "Inga publicerade planer ännu." in html
    assert "Inga publicerade erfarenheter ännu." in html
    # The way in for each of the three kinds of organisation.
    for heading in ("För kommuner", "För myndigheter", "För systemleverantörer"):
        assert f"<h3>{heading}</h3>" in html
    assert 'href="/needs/for-suppliers"' in html


def listed_count(client, kind: str) -> int:
    html = client.get(f"/organizations?kind={kind}").get_data(as_text=True)
    return int(re.search(r'class="result-count" role="status">(\d+)', html).group(1))


def test_home_counts_agree_with_the_lists_they_link_to(app, client, make_supplier):
    """Example organisations (demo data) are listed, so the home page counts them too, apart
    from the real ones: 290 stays Sweden's number of municipalities."""
    make_supplier("Riktig Leverantör AB")
    with app.app_context():
        for name, kind in (
            ("Exempel GIS AB", OrganisationKind.SUPPLIER),
            ("Exempel Ärende AB", OrganisationKind.SUPPLIER),
            ("Exempelkommunen", OrganisationKind.MUNICIPALITY),
        ):
            slug = name.lower().replace(" ", "-").replace("ä", "a")
            db.session.add(Organisation(kind=kind, name=name, slug=slug, is_example=True))
        db.session.commit()
        db.session.remove()
    html = client.get("/").get_data(as_text=True)
    shown = dict(re.findall(r'href="/organizations\?kind=(\w+)"><strong>(\d+)</strong>', html))
    examples = re.findall(
        r'\?kind=(\w+)"><strong>\d+</strong>[^<]*</a>\s*<span class="hint">\+ (\d+)', html
    )
    assert shown == {"municipality": "290", "authority": "30", "supplier": "1"}
    assert dict(examples) == {"municipality": "1", "supplier": "2"}
    for kind in ("municipality", "authority", "supplier"):
        assert int(shown[kind]) + int(dict(examples).get(kind, 0)) == listed_count(client, kind)


def test_home_issues_as_many_queries_for_much_content_as_for_little(
    client, login_as, make_user, make_plan, make_experience, make_need, make_supplier, answer,
    count_queries,
):  # fmt: skip
    login_as(make_user(member_of="vallentuna", role="member"))
    supplier = make_supplier("Svarande AB")

    def add(number: int) -> int:
        for i in range(number):
            make_plan(title=f"Plan {i}")
            make_experience(title=f"Erfarenhet {i}")
            answer(make_need(title=f"Behov {i}"), supplier, f"Produkt {i}")
        with count_queries() as log:
            assert client.get("/").status_code == 200
        return log.count

    few = add(1)
    many = add(5)  # six of each in all: more than the page shows
    assert few == many
    assert many <= 13, many  # one of them the unread count of the logged-in header
