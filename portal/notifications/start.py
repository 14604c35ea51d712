"""The personal start page: what a logged-in user's work and follows need from them now.

Every part is one or two bounded queries, whatever the data size (tests count them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.core.pagination import Page
from portal.experiences.models import (
    Experience,
    ExperienceStatus,
    Tag,
    experience_standards,
    experience_tags,
)
from portal.extensions import db
from portal.follows.models import Follow, FollowTarget
from portal.needs.models import AdaptationNeed, NeedBacking, SupplierAnswer
from portal.notifications.services import describe, notification_page
from portal.orgs.models import MembershipStatus
from portal.plans.models import Plan, PlanStatus

LIMIT = 10


@dataclass(frozen=True)
class Change:
    """Something new in what the user follows."""

    kind: str  # plan, need, experience
    title: str
    subject_id: int
    organisation: str
    when: datetime | None


@dataclass
class StartPage:
    draft_plans: list[Plan]
    draft_experiences: list[Experience]
    needs: list[AdaptationNeed]
    answers: dict[int, list[SupplierAnswer]]
    unread: Page
    unread_views: list = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def _ids(keys: set[str]) -> list[int]:
    return [int(k) for k in keys if k.isdigit()]


def _followed_changes(user: User) -> list[Change]:
    """The newest public plans, needs and experiences among what the user follows."""
    keys: dict[FollowTarget, set[str]] = {}
    for target_type, key in db.session.execute(
        select(Follow.target_type, Follow.target_key).where(Follow.user_id == user.id)
    ):
        keys.setdefault(FollowTarget(target_type), set()).add(key)
    if not keys:
        return []
    orgs = _ids(keys.get(FollowTarget.ORGANIZATION, set()))
    standards = _ids(keys.get(FollowTarget.STANDARD, set()))
    needs = _ids(keys.get(FollowTarget.NEED, set()))
    plans = _ids(keys.get(FollowTarget.PLAN, set()))
    tags = sorted(keys.get(FollowTarget.TAG, set()))
    changes: list[Change] = []
    if orgs or plans:
        for p in db.session.scalars(
            select(Plan)
            .where(
                Plan.status != PlanStatus.DRAFT,
                or_(Plan.organisation_id.in_(orgs), Plan.id.in_(plans)),
            )
            .order_by(Plan.published_at.desc(), Plan.id.desc())
            .limit(LIMIT)
        ):
            changes.append(Change("plan", p.title, p.id, p.organisation.name, p.published_at))
    if standards or needs:
        for n in db.session.scalars(
            select(AdaptationNeed)
            .where(or_(AdaptationNeed.standard_id.in_(standards), AdaptationNeed.id.in_(needs)))
            .order_by(AdaptationNeed.updated_at.desc(), AdaptationNeed.id.desc())
            .limit(LIMIT)
            .options(selectinload(AdaptationNeed.organisation))
        ):
            changes.append(Change("need", n.title, n.id, n.organisation.name, n.updated_at))
    if standards or tags:
        about = or_(
            Experience.id.in_(
                select(experience_standards.c.experience_id).where(
                    experience_standards.c.standard_id.in_(standards)
                )
            ),
            Experience.id.in_(
                select(experience_tags.c.experience_id)
                .join(Tag, Tag.id == experience_tags.c.tag_id)
                .where(Tag.name.in_(tags))
            ),
        )
        for e in db.session.scalars(
            select(Experience)
            .where(Experience.status == ExperienceStatus.PUBLISHED, about)
            .order_by(Experience.published_at.desc(), Experience.id.desc())
            .limit(LIMIT)
            .options(selectinload(Experience.organisation))
        ):
            changes.append(Change("experience", e.title, e.id, e.organisation.name, e.published_at))
    changes.sort(key=lambda c: (c.when is not None, c.when), reverse=True)
    return changes[:LIMIT]


def start_page(user: User) -> StartPage:
    """Gather the start page of `user`: drafts of their organisations, the needs they (or
    their organisations) posted or back with their newest answers, unread notifications and
    what changed in what they follow."""
    org_ids = [m.organisation_id for m in user.memberships if m.status == MembershipStatus.ACTIVE]
    draft_plans = list(
        db.session.scalars(
            select(Plan)
            .where(Plan.organisation_id.in_(org_ids), Plan.status == PlanStatus.DRAFT)
            .order_by(Plan.updated_at.desc(), Plan.id.desc())
            .limit(LIMIT)
        )
    )
    draft_experiences = list(
        db.session.scalars(
            select(Experience)
            .where(
                Experience.organisation_id.in_(org_ids),
                Experience.status == ExperienceStatus.DRAFT,
            )
            .order_by(Experience.updated_at.desc(), Experience.id.desc())
            .limit(LIMIT)
            .options(selectinload(Experience.organisation))
        )
    )
    needs = list(
        db.session.scalars(
            select(AdaptationNeed)
            .where(
                or_(
                    AdaptationNeed.author_id == user.id,
                    AdaptationNeed.organisation_id.in_(org_ids),
                    AdaptationNeed.id.in_(
                        select(NeedBacking.need_id).where(NeedBacking.organisation_id.in_(org_ids))
                    ),
                )
            )
            .order_by(AdaptationNeed.updated_at.desc(), AdaptationNeed.id.desc())
            .limit(LIMIT)
            .options(selectinload(AdaptationNeed.organisation))
        )
    )
    answers: dict[int, list[SupplierAnswer]] = {}
    if needs:
        for answer in db.session.scalars(
            select(SupplierAnswer)
            .where(SupplierAnswer.need_id.in_([n.id for n in needs]))
            .order_by(SupplierAnswer.updated_at.desc(), SupplierAnswer.id.desc())
            .limit(LIMIT * 3)
            .options(selectinload(SupplierAnswer.organisation))
        ):
            shown = answers.setdefault(answer.need_id, [])
            if len(shown) < 2:
                shown.append(answer)
    unread = notification_page(user, 1, 5, unread_only=True)
    return StartPage(
        draft_plans=draft_plans,
        draft_experiences=draft_experiences,
        needs=needs,
        answers=answers,
        unread=unread,
        unread_views=[describe(n) for n in unread.items],
        changes=_followed_changes(user),
    )
