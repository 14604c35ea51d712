"""Fixtures for the exchange: actors around an organisation, and content made by services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.orgs.models import Organisation

ACTORS = ["anonymous", "other_org_member", "member", "editor", "org_admin", "site_admin"]


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def org(slug: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


@pytest.fixture
def people(make_user) -> Callable[[str], dict[str, int]]:
    """Actors relative to one organisation: its member, editor and admin, an admin of
    another organisation, and a site admin."""

    def make(slug: str) -> dict[str, int]:
        other = "gotland" if slug != "gotland" else "vallentuna"
        return {
            "other_org_member": make_user(member_of=other, role="admin"),
            "member": make_user(member_of=slug, role="member"),
            "editor": make_user(member_of=slug, role="editor"),
            "org_admin": make_user(member_of=slug, role="admin"),
            "site_admin": make_user(site_admin=True),
        }

    return make


@pytest.fixture
def make_supplier(app, make_user) -> Callable[..., str]:
    """Register a supplier organisation (verified unless told otherwise); return its slug."""

    def make(name: str = "Matris AB", verified: bool = True) -> str:
        from portal.orgs.models import OrganisationKind
        from portal.orgs.services import register_organisation

        founder = make_user()
        with app.app_context():
            supplier = register_organisation(
                user(founder), name=name, kind=OrganisationKind.SUPPLIER
            )
            supplier.verified = verified
            db.session.commit()
            return supplier.slug

    return make


@pytest.fixture
def make_need(app, make_user) -> Callable[..., int]:
    """Post a need through the service on behalf of an organisation; return its id."""

    def make(owner: str = "vallentuna", standard: str | None = None, **values) -> int:
        from portal.needs import services as need_services
        from portal.standards.models import Standard

        author = make_user(member_of=owner, role="editor")
        with app.app_context():
            standard_id = (
                db.session.scalar(select(Standard.id).where(Standard.slug == standard))
                if standard
                else None
            )
            need = need_services.post_need(
                user(author),
                org(owner),
                title=values.get("title", "Export av detaljplaner"),
                description=values.get("description", "Vi behöver *export*."),
                standard_id=standard_id,
                desired_by=values.get("desired_by", date(2027, 1, 1)),
            )
            db.session.commit()
            return need.id

    return make


@pytest.fixture
def make_experience(app, make_user) -> Callable[..., int]:
    """Write (and by default publish) an experience through the services; return its id."""

    def make(
        owner: str = "vallentuna",
        *,
        author_id: int | None = None,
        publish: bool = True,
        title: str = "Förankra arbetet",
        tags: list[str] | None = None,
        standards: list[str] | None = None,
    ) -> int:
        from portal.experiences import services as experience_services
        from portal.standards.models import Standard

        author_id = author_id or make_user(member_of=owner, role="member")
        with app.app_context():
            ids = list(
                db.session.scalars(select(Standard.id).where(Standard.slug.in_(standards or [])))
            )
            experience = experience_services.create_experience(
                user(author_id),
                org(owner),
                title=title,
                body="Text om **lärdomar**.",
                tags=tags or [],
                standard_ids=ids,
            )
            if publish:
                experience_services.publish_experience(user(author_id), experience)
            db.session.commit()
            return experience.id

    return make


def act_as(login_as, users: dict[str, int], actor: str) -> None:
    if actor != "anonymous":
        login_as(users[actor])


def assert_refused(response, actor: str, status: int = 403) -> None:
    if actor == "anonymous":
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    else:
        assert response.status_code == status, response.status_code
