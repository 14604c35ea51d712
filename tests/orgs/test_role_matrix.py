"""Every write on organisations and memberships, tried by every kind of actor.

Actors: anonymous, a member of another organisation, a member, an editor, an admin of the
organisation, and a site admin. Each action is tried through the HTTP pages a person uses and
the resulting state is checked in the database, so a view that forgot the permission check in
its service would fail here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.orgs.models import Membership, MembershipStatus, Organisation, OrganisationKind, Role

ACTORS = ["anonymous", "other_org_member", "member", "editor", "org_admin", "site_admin"]
ADMINS = {"org_admin", "site_admin"}


@dataclass
class Scene:
    users: dict[str, int]
    pending_id: int
    target_id: int
    supplier_slug: str


@pytest.fixture
def scene(app, make_user) -> Scene:
    users = {
        "other_org_member": make_user(member_of="gotland", role="admin"),
        "member": make_user(member_of="vallentuna", role="member"),
        "editor": make_user(member_of="vallentuna", role="editor"),
        "org_admin": make_user(member_of="vallentuna", role="admin"),
        "site_admin": make_user(site_admin=True),
    }
    requester = make_user()
    target = make_user(member_of="vallentuna", role="member")
    supplier_admin = make_user()
    with app.app_context():
        from portal.accounts.models import User
        from portal.orgs import services

        vallentuna = services.get_organisation("vallentuna")
        pending = services.request_membership(db.session.get(User, requester), vallentuna)
        supplier = services.register_organisation(
            db.session.get(User, supplier_admin), name="Matris AB", kind=OrganisationKind.SUPPLIER
        )
        target_id = db.session.scalar(select(Membership.id).where(Membership.user_id == target))
        db.session.commit()
        return Scene(users, pending.id, target_id, supplier.slug)


def act_as(client, login_as, scene: Scene, actor: str):
    if actor != "anonymous":
        login_as(scene.users[actor])
    return client


def assert_refused(response, actor):
    if actor == "anonymous":
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("actor", ACTORS)
def test_approve_join_request(app, client, login_as, scene, actor):
    act_as(client, login_as, scene, actor)
    response = client.post(
        f"/organizations/vallentuna/members/{scene.pending_id}/decide",
        data={"decision": "approve", "role": "editor"},
    )
    with app.app_context():
        membership = db.session.get(Membership, scene.pending_id)
        if actor in ADMINS:
            assert response.status_code == 302
            assert membership.status == MembershipStatus.ACTIVE and membership.role == Role.EDITOR
        else:
            assert_refused(response, actor)
            assert membership.status == MembershipStatus.PENDING


@pytest.mark.parametrize("actor", ACTORS)
def test_refuse_join_request(app, client, login_as, scene, actor):
    act_as(client, login_as, scene, actor)
    response = client.post(
        f"/organizations/vallentuna/members/{scene.pending_id}/decide",
        data={"decision": "refuse", "role": "member"},
    )
    with app.app_context():
        status = db.session.get(Membership, scene.pending_id).status
    if actor in ADMINS:
        assert status == MembershipStatus.REFUSED
    else:
        assert_refused(response, actor)
        assert status == MembershipStatus.PENDING


@pytest.mark.parametrize("actor", ACTORS)
def test_change_role(app, client, login_as, scene, actor):
    act_as(client, login_as, scene, actor)
    response = client.post(
        f"/organizations/vallentuna/members/{scene.target_id}/role",
        data={f"m{scene.target_id}-role": "admin"},
    )
    with app.app_context():
        role = db.session.get(Membership, scene.target_id).role
    if actor in ADMINS:
        assert role == Role.ADMIN
    else:
        assert_refused(response, actor)
        assert role == Role.MEMBER


@pytest.mark.parametrize("actor", ACTORS)
def test_remove_member(app, client, login_as, scene, actor):
    act_as(client, login_as, scene, actor)
    response = client.post(f"/organizations/vallentuna/members/{scene.target_id}/remove")
    with app.app_context():
        still_there = db.session.get(Membership, scene.target_id) is not None
    if actor in ADMINS:
        assert not still_there
    else:
        assert_refused(response, actor)
        assert still_there


@pytest.mark.parametrize("actor", ACTORS)
def test_edit_organisation(app, client, login_as, scene, actor):
    act_as(client, login_as, scene, actor)
    response = client.post(
        "/organizations/vallentuna/edit",
        data={"website": "https://www.vallentuna.se", "description": "Ny text"},
    )
    with app.app_context():
        description = db.session.scalar(
            select(Organisation.description).where(Organisation.slug == "vallentuna")
        )
    if actor in ADMINS:
        assert description == "Ny text"
    else:
        assert_refused(response, actor)
        assert description is None


@pytest.mark.parametrize("actor", ACTORS)
def test_view_members(client, login_as, scene, actor):
    act_as(client, login_as, scene, actor)
    response = client.get("/organizations/vallentuna/members")
    if actor in {"member", "editor", "org_admin", "site_admin"}:
        assert response.status_code == 200
    else:
        assert_refused(response, actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_verify_organisation(app, client, login_as, scene, actor):
    act_as(client, login_as, scene, actor)
    response = client.post(f"/organizations/{scene.supplier_slug}/verify")
    with app.app_context():
        verified = db.session.scalar(
            select(Organisation.verified).where(Organisation.slug == scene.supplier_slug)
        )
    if actor == "site_admin":
        assert verified
    else:
        assert_refused(response, actor)
        assert not verified


def test_supplier_admin_cannot_verify_own_organisation(app, client, login_as, make_user):
    user = make_user()
    login_as(user)
    created = client.post("/organizations/new", data={"name": "Egen AB", "kind": "supplier"})
    assert created.status_code == 302
    response = client.post("/organizations/egen-ab/verify")
    assert response.status_code == 403
    with app.app_context():
        egen = db.session.scalar(select(Organisation).where(Organisation.slug == "egen-ab"))
        assert egen is not None and not egen.verified


@pytest.mark.parametrize("actor", ACTORS)
def test_ask_to_join(app, client, login_as, scene, actor):
    act_as(client, login_as, scene, actor)
    response = client.post("/organizations/boverket/join", data={"message": "Hej"})
    with app.app_context():
        count = db.session.scalar(
            select(db.func.count())
            .select_from(Membership)
            .join(Organisation)
            .where(Organisation.slug == "boverket")
        )
    if actor == "anonymous":
        assert_refused(response, actor)
        assert count == 0
    else:
        assert response.status_code == 302
        assert count == 1


@pytest.mark.parametrize("actor", ACTORS)
def test_register_organisation(app, client, login_as, scene, actor):
    act_as(client, login_as, scene, actor)
    response = client.post(
        "/organizations/new", data={"name": f"Ny {actor} AB", "kind": "supplier"}
    )
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == f"Ny {actor} AB"))
        if actor == "anonymous":
            assert_refused(response, actor)
            assert org is None
        else:
            assert response.status_code == 302
            assert org is not None and not org.verified
            assert [m.role for m in org.memberships] == [Role.ADMIN]


def test_last_admin_cannot_be_demoted_or_removed(app, client, make_user, login_as):
    admin = make_user(member_of="skr", role="admin")
    login_as(admin)
    with app.app_context():
        membership_id = db.session.scalar(select(Membership.id).where(Membership.user_id == admin))
    refusal = "En organisation måste ha minst en administratör."
    demote = client.post(
        f"/organizations/skr/members/{membership_id}/role",
        data={f"m{membership_id}-role": "member"},
        follow_redirects=True,
    )
    assert refusal in demote.get_data(as_text=True)
    remove = client.post(
        f"/organizations/skr/members/{membership_id}/remove", follow_redirects=True
    )
    assert refusal in remove.get_data(as_text=True)
    with app.app_context():
        membership = db.session.get(Membership, membership_id)
        assert membership is not None and membership.role == Role.ADMIN
    # With a second admin the very same request demotes: it was the last-admin rule that refused.
    make_user(member_of="skr", role="admin")
    demote = client.post(
        f"/organizations/skr/members/{membership_id}/role",
        data={f"m{membership_id}-role": "member"},
    )
    assert demote.status_code == 302
    with app.app_context():
        assert db.session.get(Membership, membership_id).role == Role.MEMBER


def test_member_can_leave(app, client, make_user, login_as):
    user = make_user(member_of="skr", role="member")
    make_user(member_of="skr", role="admin")
    login_as(user)
    with app.app_context():
        membership_id = db.session.scalar(select(Membership.id).where(Membership.user_id == user))
    response = client.post(f"/organizations/skr/members/{membership_id}/remove")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Membership, membership_id) is None


def test_registering_a_municipality_is_refused(app, client, make_user, login_as):
    login_as(make_user())
    response = client.post(
        "/organizations/new", data={"name": "Falsk kommun", "kind": "municipality"}
    )
    assert response.status_code == 422
    with app.app_context():
        assert (
            db.session.scalar(select(Organisation).where(Organisation.name == "Falsk kommun"))
            is None
        )


def test_guessing_a_membership_of_another_organisation_is_404(app, client, make_user, login_as):
    admin = make_user(member_of="gotland", role="admin")
    other = make_user(member_of="vallentuna", role="member")
    login_as(admin)
    with app.app_context():
        membership_id = db.session.scalar(select(Membership.id).where(Membership.user_id == other))
    response = client.post(f"/organizations/gotland/members/{membership_id}/remove")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Membership, membership_id) is not None
