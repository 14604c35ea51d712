"""Content fixtures shared by the experience, need, standard and API tests: actors around an
organisation, and content made through the services (imported by their conftest.py files)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.experiences.models import Experience, ExperienceComment, ExperienceStatus, Tag
from portal.extensions import db
from portal.needs.models import (
    AdaptationNeed,
    NeedBacking,
    NeedStatus,
    SupplierAnswer,
    SupplierAnswerVersion,
    SupportStatus,
)
from portal.orgs.models import Membership, MembershipStatus, Organisation, OrganisationKind, Role
from portal.standards.models import Standard

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
def make_answer(app, make_user) -> Callable[..., int]:
    """Answer a need through the service as a member of a supplier; return the answer's id."""

    def make(
        need_id: int,
        supplier: str,
        *,
        product: str = "Matris Plan",
        support_status: SupportStatus = SupportStatus.UNDER_CONSIDERATION,
        body: str = "Vi utreder.",
    ) -> int:
        from portal.needs import services as need_services

        author = make_user(member_of=supplier, role="member")
        with app.app_context():
            answer = need_services.answer_need(
                user(author),
                db.session.get(AdaptationNeed, need_id),
                org(supplier),
                product=product,
                support_status=support_status,
                body=body,
            )
            db.session.commit()
            return answer.id

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


def populate(app, size: int, viewer_id: int) -> dict[str, int]:
    """Make `size` of everything: experiences, tags, comments (by different people), needs
    about one standard, backings per need, supplier answers with versions."""
    with app.app_context():
        municipalities = list(
            db.session.scalars(
                select(Organisation)
                .where(Organisation.kind == OrganisationKind.MUNICIPALITY)
                .order_by(Organisation.id)
                .limit(size + 1)
            )
        )
        standards = list(db.session.scalars(select(Standard).order_by(Standard.id).limit(size)))
        standard = db.session.scalar(select(Standard).where(Standard.slug == "citygml"))
        owner = municipalities[0]
        people = [
            User(email=f"p{size}-{i}@example.com", name=f"P {i}", password_hash="x")
            for i in range(size)
        ]
        suppliers = [
            Organisation(kind=OrganisationKind.SUPPLIER, name=f"Lev {size}-{i}", slug=f"lev-{size}-{i}", verified=True)
            for i in range(size)
        ]  # fmt: skip
        db.session.add_all(people + suppliers)
        db.session.flush()
        viewer = db.session.get(User, viewer_id)
        if len(viewer.memberships) < 2:
            # The viewer's own supplier never answers; only the others' data grows.
            own = Organisation(
                kind=OrganisationKind.SUPPLIER, name="Tittare AB", slug="tittare-ab", verified=True
            )
            db.session.add(
                Membership(user=viewer, organisation=own, role=Role.EDITOR, status=MembershipStatus.ACTIVE)
            )  # fmt: skip
        shared = db.session.scalar(select(Tag).where(Tag.name == "delad")) or Tag(name="delad")
        tags = [shared, *(Tag(name=f"tagg-{size}-{i}") for i in range(size))]
        experiences = []
        for i in range(size):
            experience = Experience(
                organisation=municipalities[i % len(municipalities)],
                author=people[i],
                title=f"Erfarenhet {i}",
                body="Text",
                status=ExperienceStatus.PUBLISHED,
                published_at=None,
                tags=tags,
                standards=[standard, *standards],
            )
            experience.published_at = experience.created_at
            experiences.append(experience)
        db.session.add_all(experiences)
        db.session.flush()
        for i in range(size):
            db.session.add(
                ExperienceComment(
                    experience=experiences[0], author=people[i], body=f"Kommentar {i}"
                )
            )
        needs = []
        for i in range(size):
            need = AdaptationNeed(
                organisation=owner if i == 0 else municipalities[i],
                author=people[i],
                title=f"Behov {i}",
                description="Text",
                standard=standard,
                desired_by=date(2027, 1, 1),
                status=NeedStatus.ANSWERED,
            )
            needs.append(need)
            for backer in municipalities[1 : size + 1]:
                if backer is not need.organisation:
                    need.backings.append(NeedBacking(organisation=backer, backed_by=people[0]))
            for j, supplier in enumerate(suppliers):
                answer = SupplierAnswer(
                    organisation=supplier,
                    author=people[j],
                    product=f"Produkt {j}",
                    support_status=SupportStatus.PLANNED,
                    body="Svar",
                )
                for n in range(1, size + 1):
                    answer.versions.append(
                        SupplierAnswerVersion(
                            number=n, author=people[n - 1], product="P",
                            support_status=SupportStatus.UNDER_CONSIDERATION, body="Äldre",
                            written_at=experiences[0].created_at,
                        )
                    )  # fmt: skip
                need.answers.append(answer)
        db.session.add_all(needs)
        db.session.commit()
        return {
            "experience": experiences[0].id,
            "need": needs[0].id,
            "org": owner.slug,
            "supplier": suppliers[0].slug,
        }


def count_page_queries(client, count_queries, url: str) -> int:
    """Fetch a page that must answer 200; return how many SQL queries it issued."""
    with count_queries() as log:
        response = client.get(url)
    assert response.status_code == 200, url
    return log.count


def assert_bounded_queries(app, client, login_as, make_user, count_queries, url: str) -> None:
    """A page issues as many SQL queries for much data as for little, and at most 20."""
    viewer = make_user(member_of="vallentuna", role="admin")
    login_as(viewer)
    small = populate(app, 2, viewer)
    small_count = count_page_queries(client, count_queries, url.format(**small))
    # Much more of everything, including on the very experience, need and organisation shown.
    large = populate(app, 9, viewer)
    large_count = count_page_queries(client, count_queries, url.format(**large))
    assert large_count == small_count, (url, small_count, large_count)
    assert large_count <= 20, large_count
