"""A small world of real objects of one organisation, built through the services, and the
values that fill any route's URL arguments from it, by name.

The guard walks (tests/api/test_write_guards.py, tests/test_post_route_guards.py) take their
routes from `app.url_map`; a new route is filled from here without editing those tests, as long
as its arguments are named like the existing ones (a new name fails loudly in `fill`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule

from portal.accounts.models import User
from portal.extensions import db
from portal.orgs.models import Organisation

OWNER_ORG = "vallentuna"
OTHER_ORG = "gotland"


@dataclass
class RouteWorld:
    """Organisation A (vallentuna) and its objects; an admin of another organisation."""

    owner_id: int  # admin of organisation A
    outsider_id: int  # admin of another organisation (gotland)
    token_id: int  # one of the owner's API tokens
    by_name: dict[str, Any] = field(default_factory=dict)
    # Where one name means different things under different first path segments.
    by_section: dict[tuple[str, str], Any] = field(default_factory=dict)

    def values(self, rule: Rule) -> dict[str, Any]:
        """Every argument of the rule, taken from this world."""
        section = rule.rule.strip("/").split("/")[0]
        if section == "api":
            section = rule.rule.split("/")[3].split(".")[0]
        values = {}
        for name in rule.arguments:
            if (section, name) in self.by_section:
                values[name] = self.by_section[(section, name)]
            elif name in self.by_name:
                values[name] = self.by_name[name]
            else:
                raise AssertionError(
                    f"{rule.rule}: no object for <{name}>; add one to tests/route_world.py"
                )
        return values

    def fill(self, rule: Rule) -> str:
        """The rule's URL with every argument taken from this world."""
        url = rule.build(self.values(rule), append_unknown=False)
        assert url is not None, rule.rule
        return url[1]


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def _org(slug: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def build_route_world(app: Flask, make_user) -> RouteWorld:
    """Create, through the services, one of everything a route can name, all of organisation A:
    a published plan, a draft experience with a comment, a need with a backing and a supplier's
    answer, a pending membership request and an API token."""
    from portal.attachments import services as attachments
    from portal.experiences import services as experiences
    from portal.follows import services as follows
    from portal.needs import services as needs
    from portal.needs.models import SupportStatus
    from portal.notifications.models import Notification
    from portal.orgs import services as orgs
    from portal.orgs.models import OrganisationKind
    from portal.plans import services as plans
    from portal.standards.models import Standard
    from portal.tokens import services as tokens
    from tests.attachments.files import pdf

    owner_id = make_user(member_of=OWNER_ORG, role="admin")
    outsider_id = make_user(member_of=OTHER_ORG, role="admin")
    applicant_id = make_user()
    supplier_founder_id = make_user()
    with app.app_context():
        owner, outsider = _user(owner_id), _user(outsider_id)
        org_a, org_b = _org(OWNER_ORG), _org(OTHER_ORG)

        plan = plans.create_plan(
            owner,
            org_a,
            plans.PlanInput(title="Handlingsplan", period_start_year=2025, period_end_year=2026),
        )
        plans.publish_plan(owner, plan)

        # Commented while published, then a draft again: only A's members can see it, so any
        # write to it by another organisation is a 404.
        experience = experiences.create_experience(
            owner, org_a, title="Lärdomar", body="Text.", tags=[], standard_ids=[]
        )
        experiences.publish_experience(owner, experience)
        attachment = attachments.add_attachment(
            owner,
            attachments.EXPERIENCES,
            experience,
            attachments.Upload("beslut.pdf", pdf("Beslut")),
        )
        comment = experiences.add_comment(outsider, experience, "Tack!")
        experiences.unpublish_experience(owner, experience)

        need = needs.post_need(
            owner,
            org_a,
            title="Export",
            description="Vi behöver export.",
            standard_id=None,
            desired_by=date(2027, 1, 1),
        )
        needs.back_need(outsider, need, org_b)
        supplier = orgs.register_organisation(
            _user(supplier_founder_id), name="Matris AB", kind=OrganisationKind.SUPPLIER
        )
        supplier.verified = True
        answer = needs.answer_need(
            _user(supplier_founder_id),
            need,
            supplier,
            product="Matris",
            support_status=SupportStatus.PLANNED,
        )
        membership = orgs.request_membership(_user(applicant_id), org_a)
        token, _secret = tokens.create_token(owner, name="world", write=True)
        # The owner follows the need, and is told of the membership request (as an admin).
        follow, _new = follows.follow(owner, "organization", OTHER_ORG)
        notification = db.session.scalar(
            select(Notification).where(Notification.user_id == owner_id)
        )
        standard = db.session.scalars(select(Standard).order_by(Standard.id)).first()
        db.session.commit()
        world = RouteWorld(
            owner_id=owner_id,
            outsider_id=outsider_id,
            token_id=token.id,
            by_name={
                "plan_id": plan.id,
                "number": 1,  # the published plan's first revision
                "experience_id": experience.id,
                "comment_id": comment.id,
                "attachment_id": attachment.id,  # a file on the (draft) experience
                "need_id": need.id,
                "answer_id": answer.id,
                "organisation_id": org_b.id,  # the organisation backing the need
                "membership_id": membership.id,
                "token_id": token.id,
                "follow_id": follow.id,
                "notification_id": notification.id,
                "slug": OWNER_ORG,
                "slug_or_code": OWNER_ORG,
                "code": "sv",  # a language
                "filename": "favicon.svg",  # a static file
                "name": "swagger-ui.css",  # an asset of the API docs page
                "mail_token": "not-a-signed-token",  # a mail's preference link (refused: 403)
                "section": "steps",  # a section of the plan editor
            },
            by_section={("standards", "slug"): standard.slug},
        )
        db.session.remove()
    return world
