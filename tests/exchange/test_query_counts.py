"""List and detail pages issue the same number of SQL queries for little and much data."""

from __future__ import annotations

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


PAGES = [
    "/experiences",
    "/experiences?tag=delad&kind=municipality",
    "/experiences/{experience}",
    "/needs",
    "/needs?sort=newest&standard=citygml&county=01",
    "/needs/for-suppliers",
    "/needs/for-suppliers?unanswered=1",
    "/needs/{need}",
    "/standards",
    "/standards/citygml",
    "/organizations/{org}",
    "/organizations/{supplier}",
]


def _count(client, count_queries, url: str) -> int:
    with count_queries() as log:
        response = client.get(url)
    assert response.status_code == 200, url
    return log.count


@pytest.mark.parametrize("url", PAGES)
def test_pages_issue_a_bounded_number_of_queries(
    app, client, login_as, make_user, count_queries, url
):
    viewer = make_user(member_of="vallentuna", role="admin")
    login_as(viewer)
    small = populate(app, 2, viewer)
    small_count = _count(client, count_queries, url.format(**small))
    # Much more of everything, including on the very experience, need and organisation shown.
    large = populate(app, 9, viewer)
    large_count = _count(client, count_queries, url.format(**large))
    assert large_count == small_count, (url, small_count, large_count)
    assert large_count <= 20, large_count


def test_large_data_really_is_shown(app, client, login_as, make_user):
    viewer = make_user(member_of="vallentuna", role="admin")
    login_as(viewer)
    ids = populate(app, 9, viewer)
    need = client.get(f"/needs/{ids['need']}").get_data(as_text=True)
    assert need.count('class="card" id="answer-') == 9
    assert "Produkt 8" in need and "Äldre" in need
    experience = client.get(f"/experiences/{ids['experience']}").get_data(as_text=True)
    assert "Kommentar 8" in experience
    standard = client.get("/standards/citygml").get_data(as_text=True)
    assert "Lev 9-8" in standard and "Behov 8" in standard
