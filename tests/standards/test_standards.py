"""The standards catalogue: pages, and who maintains entries (role matrix)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.standards.models import Standard, StandardKind
from tests.content_fixtures import ACTORS, act_as, assert_refused, org

EDITORS = {"editor", "org_admin", "site_admin"}


def test_catalogue_lists_the_seeded_entries_and_filters_by_kind(client):
    html = client.get("/standards").get_data(as_text=True)
    assert "<h1>Standarder och nationella lösningar</h1>" in html
    assert "SS 637040:2016" in html and "Nationella geodataplattformen (NGP)" in html
    html = client.get("/standards?kind=national_solution").get_data(as_text=True)
    assert "Nationella geodataplattformen (NGP)" in html and "SS 637040:2016" not in html


def test_standard_page_shows_the_entry(client):
    html = client.get("/standards/nationell-specifikation-byggnad").get_data(as_text=True)
    assert "Nationell specifikation Byggnad" in html and "Lantmäteriet" in html
    assert client.get("/standards/finns-inte").status_code == 404


@pytest.mark.parametrize("actor", ACTORS)
def test_create_standard(app, client, login_as, people, actor):
    users = people("boverket")
    act_as(login_as, users, actor)
    with app.app_context():
        boverket_id = org("boverket").id
    response = client.post(
        "/standards/new",
        data={
            "name": "Ny föreskrift om planbeskrivning",
            "kind": "regulation",
            "owner_id": str(boverket_id),
            "in_force": "2027-01-01",
            "url": "https://www.boverket.se/",
        },
    )
    with app.app_context():
        created = db.session.scalar(
            select(Standard).where(Standard.name == "Ny föreskrift om planbeskrivning")
        )
        if actor in EDITORS:
            assert response.status_code == 302
            assert created.owner_id == boverket_id and created.kind == StandardKind.REGULATION
        else:
            assert_refused(response, actor)
            assert created is None


@pytest.mark.parametrize("actor", ACTORS)
def test_edit_standard(app, client, login_as, people, actor):
    users = people("boverket")
    act_as(login_as, users, actor)
    with app.app_context():
        boverket_id = org("boverket").id
    response = client.post(
        "/standards/planbestammelsekatalogen/edit",
        data={
            "name": "Planbestämmelsekatalogen",
            "kind": "specification",
            "owner_id": str(boverket_id),
            "description": "Ny **beskrivning**.",
        },
    )
    with app.app_context():
        description = db.session.scalar(
            select(Standard.description).where(Standard.slug == "planbestammelsekatalogen")
        )
    if actor in EDITORS:
        assert response.status_code == 302 and description == "Ny **beskrivning**."
    else:
        assert_refused(response, actor)
        assert description != "Ny **beskrivning**."


def test_authority_editor_cannot_move_an_entry_to_another_owner(app, client, login_as, make_user):
    login_as(make_user(member_of="boverket", role="editor"))
    with app.app_context():
        other_id = org("lantmateriet").id
    client.post(
        "/standards/planbestammelsekatalogen/edit",
        data={
            "name": "Planbestämmelsekatalogen",
            "kind": "specification",
            "owner_id": str(other_id),
        },
    )
    with app.app_context():
        owner = db.session.scalar(
            select(Standard.owner_id).where(Standard.slug == "planbestammelsekatalogen")
        )
        assert owner == org("boverket").id


def test_authority_editor_cannot_create_for_another_authority(app, client, login_as, make_user):
    login_as(make_user(member_of="boverket", role="editor"))
    with app.app_context():
        other_id = org("lantmateriet").id
    response = client.post(
        "/standards/new", data={"name": "Falsk", "kind": "standard", "owner_id": str(other_id)}
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Standard).where(Standard.name == "Falsk")) is None


def test_municipality_editor_cannot_create_standards(client, login_as, make_user):
    login_as(make_user(member_of="vallentuna", role="admin"))
    assert client.get("/standards/new").status_code == 403
    assert "Lägg till en standard" not in client.get("/standards").get_data(as_text=True)


def test_site_admin_names_an_owner_outside_the_portal(app, client, login_as, make_user):
    login_as(make_user(site_admin=True))
    response = client.post(
        "/standards/new", data={"name": "ISO 19115", "kind": "standard", "owner_name": "ISO"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/standards/iso-19115"
    html = client.get("/standards/iso-19115").get_data(as_text=True)
    assert "ISO" in html


def test_owner_name_is_required_without_owner(client, login_as, make_user):
    login_as(make_user(site_admin=True))
    response = client.post("/standards/new", data={"name": "Utan ägare", "kind": "standard"})
    assert response.status_code == 422
    assert "Utan ägare" in response.get_data(as_text=True)
