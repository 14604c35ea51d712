"""Adaptation needs, backings and supplier answers: each operation checks its own permission,
validates, changes and flushes (never commits)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Required, TypedDict, Unpack, cast

from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.core.database import lock_for_update
from portal.core.models import utcnow
from portal.core.pagination import Page, clamp, paginate
from portal.core.queries import get_under
from portal.core.rules import raise_field_errors, require_permission, require_text
from portal.core.versions import require_unchanged_since
from portal.errors import NotFound, ValidationError
from portal.extensions import db
from portal.follows.models import FollowTarget
from portal.follows.services import follow_automatically
from portal.needs.models import (
    AdaptationNeed,
    NeedBacking,
    NeedStatus,
    ProductArea,
    SupplierAnswer,
    SupplierAnswerVersion,
    SupportStatus,
)
from portal.notifications import services as notifications
from portal.orgs.models import Organisation, OrganisationKind, Role
from portal.orgs.services import (
    has_role,
    is_member,
    member_organisations,
    require_role,
    where_organisation,
)
from portal.standards.models import Standard

NEED_OWNER_KINDS = (OrganisationKind.MUNICIPALITY, OrganisationKind.AUTHORITY)

# --- adaptation needs ------------------------------------------------------------------------


def need_organisations(actor: User | None) -> list[Organisation]:
    """Municipalities and authorities on whose behalf the actor may post needs."""
    return [
        org
        for org in member_organisations(actor, Role.EDITOR)
        if org.kind in NEED_OWNER_KINDS and org.verified
    ]


def can_manage_need(actor: User | None, need: AdaptationNeed) -> bool:
    """Editors of the owning organisation (and site admins) edit, resolve and accept."""
    return has_role(actor, need.organisation, Role.EDITOR)


def get_need_to_manage(actor: User | None, need_id: int) -> AdaptationNeed:
    """Find a need for its edit page: editors of the owning organisation."""
    need = get_need(need_id)
    require_permission(actor, can_manage_need, need)
    return need


def get_need(need_id: int) -> AdaptationNeed:
    """Find a need with everything its page shows, in a fixed number of queries."""
    need = db.session.scalar(
        select(AdaptationNeed)
        .where(AdaptationNeed.id == need_id)
        .options(
            selectinload(AdaptationNeed.organisation),
            selectinload(AdaptationNeed.standard),
            selectinload(AdaptationNeed.backings).selectinload(NeedBacking.organisation),
            selectinload(AdaptationNeed.answers).selectinload(SupplierAnswer.organisation),
            selectinload(AdaptationNeed.answers)
            .selectinload(SupplierAnswer.versions)
            .selectinload(SupplierAnswerVersion.author),
            selectinload(AdaptationNeed.answers).selectinload(SupplierAnswer.author),
        )
    )
    if need is None:
        raise NotFound(_("No such need."))
    return need


@dataclass(frozen=True)
class NeedFilter:
    status: NeedStatus | None = None
    active_only: bool = False
    standard: str | None = None  # slug
    product_area: ProductArea | None = None
    kind: OrganisationKind | None = None
    county_code: str | None = None
    organisation_id: int | None = None
    sort: str = "backed"  # backed | newest | desired_by


NEED_SORTS = ("backed", "newest", "desired_by")


def _need_query(filters: NeedFilter) -> Select:
    stmt = select(AdaptationNeed)
    if filters.status:
        stmt = stmt.where(AdaptationNeed.status == filters.status)
    elif filters.active_only:
        stmt = stmt.where(AdaptationNeed.status.in_([NeedStatus.OPEN, NeedStatus.ANSWERED]))
    if filters.standard:
        stmt = stmt.where(
            AdaptationNeed.standard_id.in_(
                select(Standard.id).where(Standard.slug == filters.standard)
            )
        )
    if filters.product_area:
        stmt = stmt.where(AdaptationNeed.product_area == filters.product_area)
    stmt = where_organisation(
        stmt,
        AdaptationNeed.organisation_id,
        kind=filters.kind,
        county_code=filters.county_code,
        organisation_id=filters.organisation_id,
    )
    if filters.sort == "newest":
        stmt = stmt.order_by(AdaptationNeed.created_at.desc(), AdaptationNeed.id.desc())
    elif filters.sort == "desired_by":
        stmt = stmt.order_by(
            AdaptationNeed.desired_by.is_(None),
            AdaptationNeed.desired_by,
            AdaptationNeed.id.desc(),
        )
    else:
        stmt = stmt.order_by(
            AdaptationNeed.backing_count.desc(),
            AdaptationNeed.created_at.desc(),
            AdaptationNeed.id.desc(),
        )
    return stmt.options(
        selectinload(AdaptationNeed.organisation), selectinload(AdaptationNeed.standard)
    )


def list_needs(filters: NeedFilter, page: int = 1, per_page: int = 20) -> Page:
    """Return a page of needs; backing counts come from SQL."""
    return _paginate_needs(_need_query(filters), filters.sort, page, per_page)


def _paginate_needs(stmt: Select, sort: str, page: int, per_page: int) -> Page:
    if sort == "backed":
        return _paginate_most_backed(stmt, page, per_page)
    return paginate(stmt, page, per_page)


def _paginate_most_backed(stmt: Select, page: int | None, per_page: int | None) -> Page:
    """A page of needs in the "most backed" order of `_need_query` (most backings first, then
    newest) at a cost that does not grow with the number of needs.

    Ordering every need by its count of backings means counting them for every need. Backed
    needs are few next to needs, so they are found from the backings and ordered alone; the
    unbacked ones follow, read in newest-first index order (ix_adaptation_needs_created_at_id)
    up to the page."""
    page, per_page = clamp(page, per_page)
    start = (page - 1) * per_page
    stmt = stmt.order_by(None)
    newest = (AdaptationNeed.created_at.desc(), AdaptationNeed.id.desc())
    counts = (
        select(NeedBacking.need_id, func.count().label("backings"))
        .group_by(NeedBacking.need_id)
        .subquery()
    )
    backed = stmt.join(counts, counts.c.need_id == AdaptationNeed.id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    backed_total = db.session.scalar(select(func.count()).select_from(backed.subquery())) or 0
    items: list[AdaptationNeed] = []
    if start < backed_total:
        ordered = backed.order_by(counts.c.backings.desc(), *newest)
        items = list(db.session.scalars(ordered.limit(per_page).offset(start)))
    if len(items) < per_page and start + len(items) < total:
        unbacked = stmt.where(~exists().where(NeedBacking.need_id == AdaptationNeed.id))
        rest = unbacked.order_by(*newest).offset(max(0, start - backed_total))
        items += db.session.scalars(rest.limit(per_page - len(items)))
    return Page(items=items, page=page, per_page=per_page, total=total)


def recent_needs(
    limit: int = 5, *, organisation_id: int | None = None, standard_id: int | None = None
) -> list[AdaptationNeed]:
    """The latest posted needs with their organisations (needs are public once posted);
    optionally only an organisation's, or only those about a standard (for its feed)."""
    stmt = select(AdaptationNeed)
    if organisation_id is not None:
        stmt = stmt.where(AdaptationNeed.organisation_id == organisation_id)
    if standard_id is not None:
        stmt = stmt.where(AdaptationNeed.standard_id == standard_id)
    stmt = (
        stmt.order_by(AdaptationNeed.created_at.desc(), AdaptationNeed.id.desc())
        .limit(limit)
        .options(selectinload(AdaptationNeed.organisation))
    )
    return list(db.session.scalars(stmt))


def recent_answers(
    limit: int = 5, *, organisation_id: int | None = None, standard_id: int | None = None
) -> list[SupplierAnswer]:
    """The latest given or changed supplier answers, with their supplier and need; optionally
    only a supplier's, or only those to needs about a standard (for its feed)."""
    stmt = select(SupplierAnswer)
    if organisation_id is not None:
        stmt = stmt.where(SupplierAnswer.organisation_id == organisation_id)
    if standard_id is not None:
        stmt = stmt.where(
            SupplierAnswer.need_id.in_(
                select(AdaptationNeed.id).where(AdaptationNeed.standard_id == standard_id)
            )
        )
    stmt = (
        stmt.order_by(SupplierAnswer.updated_at.desc(), SupplierAnswer.id.desc())
        .limit(limit)
        .options(selectinload(SupplierAnswer.organisation), selectinload(SupplierAnswer.need))
    )
    return list(db.session.scalars(stmt))


def export_needs(filters: NeedFilter, limit: int) -> list[AdaptationNeed]:
    """Every need matching the filters (at most `limit`), in the list's order."""
    return list(db.session.scalars(_need_query(filters).limit(limit)))


def supplier_organisations(actor: User | None) -> list[Organisation]:
    """Verified supplier organisations the actor may answer for."""
    return [
        org
        for org in member_organisations(actor, Role.MEMBER)
        if org.kind == OrganisationKind.SUPPLIER and org.verified
    ]


def answered_need_ids(need_ids: list[int], organisation_ids: list[int]) -> dict[int, set[int]]:
    """Map need id to the ids of the given organisations that answered it (one query)."""
    if not need_ids or not organisation_ids:
        return {}
    result: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(SupplierAnswer.need_id, SupplierAnswer.organisation_id).where(
            SupplierAnswer.need_id.in_(need_ids),
            SupplierAnswer.organisation_id.in_(organisation_ids),
        )
    )
    for need_id, org_id in rows:
        result.setdefault(need_id, set()).add(org_id)
    return result


def list_needs_for_suppliers(
    filters: NeedFilter,
    organisation_ids: list[int],
    *,
    unanswered_only: bool = False,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """Open and answered needs, most backed first; optionally only those not yet answered."""
    stmt = _need_query(
        NeedFilter(
            active_only=True,
            standard=filters.standard,
            product_area=filters.product_area,
            sort="backed",
        )
    )
    if unanswered_only and organisation_ids:
        stmt = stmt.where(
            ~AdaptationNeed.id.in_(
                select(SupplierAnswer.need_id).where(
                    SupplierAnswer.organisation_id.in_(organisation_ids)
                )
            )
        )
    return _paginate_most_backed(stmt, page, per_page)


def needs_about_standard(standard: Standard, *, active: bool, limit: int = 20) -> list:
    stmt = _need_query(NeedFilter(standard=standard.slug, sort="backed"))
    wanted = [NeedStatus.OPEN, NeedStatus.ANSWERED] if active else [NeedStatus.RESOLVED]
    stmt = stmt.where(AdaptationNeed.status.in_(wanted)).limit(limit)
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class SupplierSupport:
    """What one supplier says about one product's support for a standard, over its answers."""

    organisation: Organisation
    product: str
    support_status: SupportStatus
    available_from: date | None
    needs: int


def supplier_support_for_standard(standard: Standard, limit: int = 100) -> list[SupplierSupport]:
    """Summarise supplier answers to needs about the standard, per supplier and product."""
    rows = db.session.execute(
        select(
            Organisation,
            SupplierAnswer.product,
            SupplierAnswer.support_status,
            func.min(SupplierAnswer.available_from),
            func.count(SupplierAnswer.id),
        )
        .join(SupplierAnswer, SupplierAnswer.organisation_id == Organisation.id)
        .join(AdaptationNeed, AdaptationNeed.id == SupplierAnswer.need_id)
        .where(AdaptationNeed.standard_id == standard.id)
        .group_by(Organisation.id, SupplierAnswer.product, SupplierAnswer.support_status)
        .order_by(Organisation.name, SupplierAnswer.product, SupplierAnswer.support_status)
        .limit(limit)
    )
    return [SupplierSupport(*row) for row in rows]


def _validate_need(
    title: str, description: str, standard_id: int | None
) -> tuple[dict[str, list[str]], Standard | None]:
    errors: dict[str, list[str]] = {}
    require_text(errors, "title", title)
    require_text(errors, "description", description)
    if len(title or "") > 200:
        errors["title"] = [_("At most 200 characters.")]
    standard = None
    if standard_id is not None:
        standard = db.session.get(Standard, standard_id)
        if standard is None:
            errors["standard_id"] = [_("Unknown standard.")]
    return errors, standard


def post_need(
    actor: User | None,
    organisation: Organisation,
    *,
    title: str,
    description: str,
    standard_id: int | None = None,
    product_area: ProductArea = ProductArea.OTHER,
    desired_by: date | None = None,
) -> AdaptationNeed:
    """Post a need on behalf of a verified municipality or authority (its editors)."""
    actor = require_role(actor, organisation, Role.EDITOR)
    errors, standard = _validate_need(title, description, standard_id)
    if organisation.kind not in NEED_OWNER_KINDS:
        errors["organisation_id"] = [_("Only municipalities and authorities post needs.")]
    elif not organisation.verified:
        errors["organisation_id"] = [_("The organisation is not verified yet.")]
    raise_field_errors(errors)
    need = AdaptationNeed(
        organisation=organisation,
        author_id=actor.id,
        title=title.strip(),
        description=description.strip(),
        standard=standard,
        product_area=product_area,
        desired_by=desired_by,
        status=NeedStatus.OPEN,
    )
    db.session.add(need)
    db.session.flush()
    follow_automatically(actor, FollowTarget.NEED, need.id)
    notifications.notify_need_posted(actor, need)
    return need


def update_need(
    actor: User | None,
    need: AdaptationNeed,
    *,
    title: str,
    description: str,
    standard_id: int | None = None,
    product_area: ProductArea = ProductArea.OTHER,
    desired_by: date | None = None,
    loaded_version: str | None = None,
) -> AdaptationNeed:
    """Change a need (editors of the owning organisation); `loaded_version` (from the edit
    form) refuses the change if someone else saved since (EditConflict)."""
    actor = require_permission(actor, can_manage_need, need)
    lock_for_update(need, "updated_at")
    require_unchanged_since(need, loaded_version)
    errors, standard = _validate_need(title, description, standard_id)
    raise_field_errors(errors)
    need.title = title.strip()
    need.description = description.strip()
    need.standard = standard
    need.product_area = product_area
    need.desired_by = desired_by
    need.updated_at = utcnow()
    db.session.flush()
    # A need moved to another standard is news to that standard's followers (once).
    notifications.notify_need_posted(actor, need)
    return need


# Allowed status changes by the owner; "answered" is reached by the first supplier answer.
_TRANSITIONS = {
    NeedStatus.OPEN: {NeedStatus.RESOLVED, NeedStatus.CLOSED},
    NeedStatus.ANSWERED: {NeedStatus.RESOLVED, NeedStatus.CLOSED},
    NeedStatus.RESOLVED: {NeedStatus.OPEN},
    NeedStatus.CLOSED: {NeedStatus.OPEN},
}


def change_need_status(
    actor: User | None, need: AdaptationNeed, status: NeedStatus
) -> AdaptationNeed:
    """Resolve, close or reopen a need (editors of the owning organisation)."""
    actor = require_permission(actor, can_manage_need, need)
    lock_for_update(need, "status")
    if status not in _TRANSITIONS[need.status]:
        raise ValidationError(_("This change of status is not possible."))
    if status == NeedStatus.OPEN and need.answers:
        status = NeedStatus.ANSWERED
    need.status = status
    db.session.flush()
    notifications.notify_need_status_changed(actor, need)
    return need


def backing_organisations(actor: User | None, need: AdaptationNeed) -> list[Organisation]:
    """Organisations the actor may back the need for (not yet backing, not the owner)."""
    backing = {b.organisation_id for b in need.backings}
    return [
        org
        for org in member_organisations(actor, Role.EDITOR)
        if org.verified and org.id != need.organisation_id and org.id not in backing
    ]


def back_need(actor: User | None, need: AdaptationNeed, organisation: Organisation) -> NeedBacking:
    """Say "we need this too" on behalf of an organisation (its editors), once."""
    actor = require_role(actor, organisation, Role.EDITOR)
    if organisation.id == need.organisation_id:
        raise ValidationError(_("An organisation cannot back its own need."))
    if not organisation.verified:
        raise ValidationError(_("The organisation is not verified yet."))
    # Backings of one need are decided one at a time: a second "we need this too" from the
    # same organisation at the same moment finds the first (the unique constraint backs this).
    lock_for_update(need, "status")
    if not need.status.is_active:
        raise ValidationError(_("This need is no longer open."))
    exists = db.session.scalar(
        select(NeedBacking.id).where(
            NeedBacking.need_id == need.id, NeedBacking.organisation_id == organisation.id
        )
    )
    if exists is not None:
        raise ValidationError(_("%(org)s already backs this need.", org=organisation.name))
    backing = NeedBacking(need=need, organisation=organisation, backed_by_id=actor.id)
    db.session.add(backing)
    db.session.flush()
    follow_automatically(actor, FollowTarget.NEED, need.id)
    notifications.notify_need_backed(actor, backing)
    return backing


def unback_need(actor: User | None, need: AdaptationNeed, organisation: Organisation) -> None:
    """Withdraw an organisation's backing (its editors)."""
    actor = require_role(actor, organisation, Role.EDITOR)
    lock_for_update(need, "status")
    backing = db.session.scalar(
        select(NeedBacking).where(
            NeedBacking.need_id == need.id, NeedBacking.organisation_id == organisation.id
        )
    )
    if backing is None:
        raise NotFound(_("This organisation does not back the need."))
    need.backings.remove(backing)
    db.session.delete(backing)
    db.session.flush()


# --- supplier answers ------------------------------------------------------------------------


def answering_organisations(actor: User | None, need: AdaptationNeed) -> list[Organisation]:
    """Supplier organisations of the actor that have not answered the need yet."""
    answered = {a.organisation_id for a in need.answers}
    return [org for org in supplier_organisations(actor) if org.id not in answered]


def can_edit_answer(actor: User | None, answer: SupplierAnswer) -> bool:
    """Members of the answering supplier (and site admins)."""
    return is_member(actor, answer.organisation)


class AnswerValues(TypedDict, total=False):
    """What a supplier's answer says: the keywords of answer_need and update_answer."""

    product: Required[str]
    support_status: Required[SupportStatus]
    available_from: date | None
    body: str


def answer_values(data: Mapping[str, Any]) -> AnswerValues:
    """The answer's keywords picked out of a larger mapping (an API body, a demo entry)."""
    return cast(
        AnswerValues, {key: data[key] for key in AnswerValues.__annotations__ if key in data}
    )


def _answer_fields(values: AnswerValues) -> dict[str, object]:
    """An answer's fields as they are stored."""
    return {
        "product": values["product"].strip(),
        "support_status": values["support_status"],
        "available_from": values.get("available_from"),
        "body": (values.get("body") or "").strip(),
    }


def _validate_answer(values: AnswerValues) -> dict[str, list[str]]:
    product, body = values["product"], values.get("body", "")
    errors: dict[str, list[str]] = {}
    require_text(errors, "product", product)
    if len(product or "") > 200:
        errors["product"] = [_("At most 200 characters.")]
    if len(body or "") > 10000:
        errors["body"] = [_("At most 10000 characters.")]
    return errors


def answer_need(
    actor: User | None,
    need: AdaptationNeed,
    organisation: Organisation,
    **values: Unpack[AnswerValues],
) -> SupplierAnswer:
    """Answer a need on behalf of a verified supplier (its members); one answer per supplier."""
    actor = require_permission(actor, is_member, organisation)
    errors = _validate_answer(values)
    if organisation.kind != OrganisationKind.SUPPLIER:
        errors["organisation_id"] = [_("Only system suppliers answer needs.")]
    elif not organisation.verified:
        errors["organisation_id"] = [_("The organisation is not verified yet.")]
    lock_for_update(need, "status")
    if not need.status.is_active:
        raise ValidationError(_("This need is no longer open."))
    raise_field_errors(errors)
    exists = db.session.scalar(
        select(SupplierAnswer.id).where(
            SupplierAnswer.need_id == need.id, SupplierAnswer.organisation_id == organisation.id
        )
    )
    if exists is not None:
        raise ValidationError(
            _("%(org)s has already answered; edit that answer instead.", org=organisation.name)
        )
    answer = SupplierAnswer(
        need=need, organisation=organisation, author_id=actor.id, **_answer_fields(values)
    )
    db.session.add(answer)
    if need.status == NeedStatus.OPEN:
        need.status = NeedStatus.ANSWERED
    db.session.flush()
    follow_automatically(actor, FollowTarget.NEED, need.id)
    notifications.notify_need_answered(actor, answer)
    return answer


def get_answer(need: AdaptationNeed, answer_id: int) -> SupplierAnswer:
    return get_under(
        SupplierAnswer, answer_id, parent="need_id", parent_id=need.id, missing=_("No such answer.")
    )


def get_answer_to_edit(actor: User | None, need: AdaptationNeed, answer_id: int) -> SupplierAnswer:
    """Find an answer for its edit page: members of the answering supplier."""
    answer = get_answer(need, answer_id)
    require_permission(actor, can_edit_answer, answer)
    return answer


def update_answer(
    actor: User | None, answer: SupplierAnswer, **values: Unpack[AnswerValues]
) -> SupplierAnswer:
    """Change an answer; the previous text is kept as an earlier version."""
    actor = require_permission(actor, can_edit_answer, answer)
    raise_field_errors(_validate_answer(values))
    # Versions are numbered one after another: two saves at once take turns.
    lock_for_update(answer, "accepted")
    new = _answer_fields(values)
    if all(getattr(answer, name) == value for name, value in new.items()):
        return answer
    number = len(answer.versions) + 1
    answer.versions.append(
        SupplierAnswerVersion(
            number=number,
            author_id=answer.author_id,
            product=answer.product,
            support_status=answer.support_status,
            available_from=answer.available_from,
            body=answer.body,
            written_at=answer.updated_at,
        )
    )
    for name, value in new.items():
        setattr(answer, name, value)
    answer.author_id = actor.id
    # A changed answer has to be accepted again.
    answer.accepted = False
    db.session.flush()
    return answer


def set_answer_accepted(
    actor: User | None, answer: SupplierAnswer, accepted: bool
) -> SupplierAnswer:
    """Mark an answer as accepted, or not (editors of the need's organisation)."""
    actor = require_permission(actor, can_manage_need, answer.need)
    lock_for_update(answer, "accepted")
    answer.accepted = accepted
    db.session.flush()
    if accepted:
        notifications.notify_answer_accepted(actor, answer)
    return answer


# --- organisation page -----------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationNeeds:
    """What an organisation's profile page shows of needs: its own, or a supplier's answers."""

    needs: list[AdaptationNeed]
    answers: list[SupplierAnswer]


def needs_of_organisation(org: Organisation, limit: int = 10) -> OrganisationNeeds:
    """The latest needs a municipality or authority posted, or the latest answers of a
    supplier (one query each: the organisation itself is already in the session)."""
    needs: list[AdaptationNeed] = []
    answers: list[SupplierAnswer] = []
    if org.kind in NEED_OWNER_KINDS:
        needs = list(
            db.session.scalars(
                select(AdaptationNeed)
                .where(AdaptationNeed.organisation_id == org.id)
                .order_by(AdaptationNeed.created_at.desc(), AdaptationNeed.id.desc())
                .limit(limit)
                .options(selectinload(AdaptationNeed.standard))
            )
        )
    elif org.kind == OrganisationKind.SUPPLIER:
        answers = list(
            db.session.scalars(
                select(SupplierAnswer)
                .where(SupplierAnswer.organisation_id == org.id)
                .order_by(SupplierAnswer.updated_at.desc(), SupplierAnswer.id.desc())
                .limit(limit)
                .options(selectinload(SupplierAnswer.need))
            )
        )
    return OrganisationNeeds(needs=needs, answers=answers)


def last_public_change() -> datetime | None:
    """When a need or a supplier answer last changed (every need and answer is public)."""
    changes = [
        db.session.scalar(select(func.max(AdaptationNeed.updated_at))),
        db.session.scalar(select(func.max(SupplierAnswer.updated_at))),
    ]
    return max((c for c in changes if c is not None), default=None)
