"""Experiences, their tags and comments: each operation checks its own permission, validates,
changes and flushes (never commits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import EllipsisType

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.core.database import lock_for_update
from portal.core.models import utcnow
from portal.core.pagination import Page, paginate
from portal.core.queries import get_under
from portal.core.rules import raise_field_errors, require_login, require_permission, require_text
from portal.core.versions import require_unchanged_since
from portal.errors import NotFound, ValidationError
from portal.experiences.models import (
    Experience,
    ExperienceComment,
    ExperienceStatus,
    Tag,
    experience_standards,
    experience_tags,
)
from portal.extensions import db
from portal.notifications import services as notifications
from portal.orgs.models import Organisation, OrganisationKind, Role
from portal.orgs.services import has_role, is_member, member_organisations, where_organisation
from portal.plans.models import PlanStatus, PlanStep
from portal.standards.models import Standard
from portal.standards.services import standards_by_ids

MAX_TAGS = 10

# --- tags ------------------------------------------------------------------------------------


def parse_tags(text: str | None) -> list[str]:
    """Split comma-separated tags into clean, lower-case, unique names."""
    names: list[str] = []
    for part in (text or "").split(","):
        name = " ".join(part.split()).lower()[:60]
        if name and name not in names:
            names.append(name)
    return names


def _tags_for(names: list[str]) -> list[Tag]:
    if not names:
        return []
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


def popular_tags(limit: int = 30) -> list[Tag]:
    """Tags used on published experiences, most used first."""
    return list(
        db.session.scalars(
            select(Tag)
            .join(experience_tags, experience_tags.c.tag_id == Tag.id)
            .join(Experience, Experience.id == experience_tags.c.experience_id)
            .where(Experience.status == ExperienceStatus.PUBLISHED)
            .group_by(Tag.id, Tag.name)
            .order_by(func.count().desc(), Tag.name)
            .limit(limit)
        )
    )


# --- experiences -----------------------------------------------------------------------------


def can_see_experience(actor: User | None, experience: Experience) -> bool:
    """Published experiences are public; drafts only for the organisation's members."""
    return experience.is_published or is_member(actor, experience.organisation)


def can_edit_experience(actor: User | None, experience: Experience) -> bool:
    """The author (while still a member) and the organisation's editors and admins."""
    if actor is None:
        return False
    if has_role(actor, experience.organisation, Role.EDITOR):
        return True
    return experience.author_id == actor.id and is_member(actor, experience.organisation)


def experience_organisations(actor: User | None) -> list[Organisation]:
    """Organisations on whose behalf the actor may write experiences."""
    return member_organisations(actor, Role.MEMBER)


def get_experience(actor: User | None, experience_id: int) -> Experience:
    """Find an experience the actor may see (drafts are 404 to outsiders)."""
    experience = db.session.scalar(
        select(Experience)
        .where(Experience.id == experience_id)
        .options(
            selectinload(Experience.organisation),
            selectinload(Experience.author),
            selectinload(Experience.tags),
            selectinload(Experience.standards),
            selectinload(Experience.comments).selectinload(ExperienceComment.author),
            selectinload(Experience.attachments),
        )
    )
    if experience is None or not can_see_experience(actor, experience):
        raise NotFound(_("No such experience."))
    return experience


def get_experience_to_edit(actor: User | None, experience_id: int) -> Experience:
    """Find an experience for its edit page: its author and the organisation's editors."""
    experience = get_experience(actor, experience_id)
    require_permission(actor, can_edit_experience, experience)
    return experience


@dataclass(frozen=True)
class ExperienceFilter:
    tag: str | None = None
    standard: str | None = None  # slug
    kind: OrganisationKind | None = None
    county_code: str | None = None
    organisation_id: int | None = None


def _experience_list_options(stmt: Select) -> Select:
    return stmt.options(
        selectinload(Experience.organisation),
        selectinload(Experience.tags),
        selectinload(Experience.standards),
    )


def list_experiences(filters: ExperienceFilter, page: int = 1, per_page: int = 20) -> Page:
    """Return a page of published experiences, newest first."""
    return paginate(_experience_query(filters), page, per_page)


def export_experiences(filters: ExperienceFilter, limit: int) -> list[Experience]:
    """Every published experience matching the filters (at most `limit`), newest first."""
    return list(db.session.scalars(_experience_query(filters).limit(limit)))


def _experience_query(filters: ExperienceFilter) -> Select:
    # "Not a draft" (= published) lets the database read the newest-first index and stop at a
    # page instead of picking the status index, which nearly every row matches.
    stmt = select(Experience).where(Experience.status != ExperienceStatus.DRAFT)
    if filters.tag:
        stmt = stmt.where(
            Experience.id.in_(
                select(experience_tags.c.experience_id)
                .join(Tag, Tag.id == experience_tags.c.tag_id)
                .where(Tag.name == filters.tag.strip().lower())
            )
        )
    if filters.standard:
        stmt = stmt.where(
            Experience.id.in_(
                select(experience_standards.c.experience_id)
                .join(Standard, Standard.id == experience_standards.c.standard_id)
                .where(Standard.slug == filters.standard)
            )
        )
    stmt = where_organisation(
        stmt,
        Experience.organisation_id,
        kind=filters.kind,
        county_code=filters.county_code,
        organisation_id=filters.organisation_id,
    )
    stmt = stmt.order_by(Experience.published_at.desc(), Experience.id.desc())
    return _experience_list_options(stmt)


def recent_experiences(
    limit: int = 5, *, organisation_id: int | None = None, standard_id: int | None = None
) -> list[Experience]:
    """The latest published experiences with their organisations (never a draft); optionally
    only an organisation's, or only those about a standard (for its feed)."""
    stmt = select(Experience).where(Experience.status == ExperienceStatus.PUBLISHED)
    if organisation_id is not None:
        stmt = stmt.where(Experience.organisation_id == organisation_id)
    if standard_id is not None:
        stmt = stmt.where(
            Experience.id.in_(
                select(experience_standards.c.experience_id).where(
                    experience_standards.c.standard_id == standard_id
                )
            )
        )
    stmt = (
        stmt.order_by(Experience.published_at.desc(), Experience.id.desc())
        .limit(limit)
        .options(selectinload(Experience.organisation))
    )
    return list(db.session.scalars(stmt))


def experiences_about_standard(standard: Standard, limit: int = 20) -> list[Experience]:
    stmt = (
        select(Experience)
        .join(experience_standards, experience_standards.c.experience_id == Experience.id)
        .where(
            experience_standards.c.standard_id == standard.id,
            Experience.status == ExperienceStatus.PUBLISHED,
        )
        .order_by(Experience.published_at.desc(), Experience.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(_experience_list_options(stmt)))


def _validate_experience(title: str, body: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    require_text(errors, "title", title)
    require_text(errors, "body", body)
    if len(title or "") > 200:
        errors["title"] = [_("At most 200 characters.")]
    return errors


def _load_plan_step(
    plan_step_id: int | None, organisation: Organisation, errors: dict[str, list[str]]
) -> PlanStep | None:
    """The step an experience comes from: it must be in a public plan of the same organisation,
    so that a published experience never points into a draft."""
    if plan_step_id is None:
        return None
    step = db.session.get(PlanStep, plan_step_id)
    if (
        step is None
        or step.plan.organisation_id != organisation.id
        or step.plan.status not in (PlanStatus.PUBLISHED, PlanStatus.ARCHIVED)
    ):
        errors["plan_step_id"] = [_("Choose a step of one of the organisation's published plans.")]
        return None
    return step


def _tag_names(tags: list[str] | None, errors: dict[str, list[str]]) -> list[str]:
    names = tags or []
    if len(names) > MAX_TAGS:
        errors["tags"] = [_("At most %(n)d tags.", n=MAX_TAGS)]
    return names


def _require_editor(actor: User | None, experience: Experience) -> User:
    """The actor, if they may edit the experience; a draft they may not see is not there."""
    actor = require_login(actor)
    if not can_see_experience(actor, experience):
        raise NotFound(_("No such experience."))
    return require_permission(actor, can_edit_experience, experience)


def create_experience(
    actor: User | None,
    organisation: Organisation,
    *,
    title: str,
    body: str,
    tags: list[str] | None = None,
    standard_ids: list[int] | None = None,
    plan_step_id: int | None = None,
) -> Experience:
    """Write a draft experience on behalf of an organisation the actor belongs to."""
    actor = require_permission(actor, is_member, organisation)
    errors = _validate_experience(title, body)
    standards = standards_by_ids(standard_ids, errors)
    step = _load_plan_step(plan_step_id, organisation, errors)
    names = _tag_names(tags, errors)
    raise_field_errors(errors)
    experience = Experience(
        plan_step=step,
        organisation=organisation,
        author_id=actor.id,
        title=title.strip(),
        body=body.strip(),
        status=ExperienceStatus.DRAFT,
        tags=_tags_for(names),
        standards=standards,
    )
    db.session.add(experience)
    db.session.flush()
    return experience


def update_experience(
    actor: User | None,
    experience: Experience,
    *,
    title: str,
    body: str,
    tags: list[str] | None = None,
    standard_ids: list[int] | None = None,
    plan_step_id: int | None | EllipsisType = ...,
    loaded_version: str | None = None,
) -> Experience:
    """Change an experience (its author and the organisation's editors).

    `plan_step_id` left out keeps the current link; None removes it. `loaded_version` (from
    an edit form) refuses the change if someone else saved since (EditConflict).
    """
    actor = _require_editor(actor, experience)
    lock_for_update(experience, "updated_at")
    require_unchanged_since(experience, loaded_version)
    errors = _validate_experience(title, body)
    standards = standards_by_ids(standard_ids, errors)
    step = experience.plan_step
    if plan_step_id is not ...:
        step = _load_plan_step(plan_step_id, experience.organisation, errors)
    names = _tag_names(tags, errors)
    raise_field_errors(errors)
    experience.plan_step = step
    experience.title = title.strip()
    experience.body = body.strip()
    experience.tags = _tags_for(names)
    experience.standards = standards
    experience.updated_at = utcnow()  # a new version, also when only tags or standards changed
    db.session.flush()
    return experience


def publish_experience(actor: User | None, experience: Experience) -> Experience:
    """Publish a draft; the organisation must be verified."""
    actor = _require_editor(actor, experience)
    if not experience.organisation.verified:
        raise ValidationError(_("The organisation is not verified yet and cannot publish."))
    lock_for_update(experience, "status")
    if not experience.is_published:
        experience.status = ExperienceStatus.PUBLISHED
        experience.published_at = utcnow()
        db.session.flush()
        notifications.notify_experience_published(actor, experience)
    return experience


def unpublish_experience(actor: User | None, experience: Experience) -> Experience:
    """Turn a published experience back into a draft."""
    actor = require_permission(actor, can_edit_experience, experience)
    lock_for_update(experience, "status")
    experience.status = ExperienceStatus.DRAFT
    db.session.flush()
    return experience


def can_remove_comment(actor: User | None, comment: ExperienceComment) -> bool:
    """The comment's author, the experience's author, its organisation's admins and site
    admins."""
    if actor is None:
        return False
    return comment.author_id == actor.id or can_moderate_comments(actor, comment.experience)


def can_moderate_comments(actor: User | None, experience: Experience) -> bool:
    """The experience's author (while a member) and its organisation's admins remove any
    comment on it."""
    if actor is None:
        return False
    return (
        experience.author_id == actor.id and is_member(actor, experience.organisation)
    ) or has_role(actor, experience.organisation, Role.ADMIN)


def add_comment(actor: User | None, experience: Experience, body: str) -> ExperienceComment:
    """Comment on a published experience (any logged-in user)."""
    actor = require_login(actor)
    if not can_see_experience(actor, experience):
        raise NotFound(_("No such experience."))
    if not experience.is_published:
        raise ValidationError(_("Drafts cannot be commented on."))
    errors: dict[str, list[str]] = {}
    require_text(errors, "body", body)
    if len(body or "") > 5000:
        errors["body"] = [_("At most 5000 characters.")]
    raise_field_errors(errors)
    comment = ExperienceComment(experience=experience, author_id=actor.id, body=body.strip())
    db.session.add(comment)
    db.session.flush()
    notifications.notify_experience_commented(actor, comment)
    return comment


def get_comment(experience: Experience, comment_id: int) -> ExperienceComment:
    return get_under(
        ExperienceComment,
        comment_id,
        parent="experience_id",
        parent_id=experience.id,
        missing=_("No such comment."),
    )


def remove_comment(actor: User | None, comment: ExperienceComment) -> ExperienceComment:
    """Hide a comment's text (its author, the experience's author, organisation admins, site
    admins)."""
    actor = require_permission(actor, can_remove_comment, comment)
    comment.removed = True
    comment.removed_by_id = actor.id
    db.session.flush()
    return comment


# --- organisation page -----------------------------------------------------------------------


def latest_experiences_of(org: Organisation, limit: int = 10) -> list[Experience]:
    """The latest published experiences of an organisation, for its profile page (one query
    plus one for tags: the organisation itself is already in the session)."""
    return list(
        db.session.scalars(
            select(Experience)
            .where(
                Experience.organisation_id == org.id,
                Experience.status == ExperienceStatus.PUBLISHED,
            )
            .order_by(Experience.published_at.desc(), Experience.id.desc())
            .limit(limit)
            .options(selectinload(Experience.tags))
        )
    )


def last_public_change() -> datetime | None:
    """When a published experience last changed; drafts never count."""
    return db.session.scalar(
        select(func.max(Experience.updated_at)).where(Experience.status != ExperienceStatus.DRAFT)
    )


def require_experience_editor(actor: User | None, experience: Experience) -> None:
    """Refuse unless the actor may edit `experience` (what attachments on it ask for)."""
    _require_editor(actor, experience)
    lock_for_update(experience, "status")
