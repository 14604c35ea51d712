"""Organisation and membership operations, each checking its own permission."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from slugify import slugify
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.core.database import lock_for_update, lock_row
from portal.core.models import utcnow
from portal.core.pagination import Page, paginate
from portal.core.queries import contains_text, get_under
from portal.core.rules import raise_field_errors, require_login, require_permission, require_text
from portal.errors import NotAuthorized, NotFound, ValidationError
from portal.extensions import db
from portal.orgs.models import (
    County,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Role,
)
from portal.orgs.names import organisation_ids_named

# Kinds a user may register; municipalities and authorities come from the reference data.
REGISTRABLE_KINDS = (OrganisationKind.SUPPLIER, OrganisationKind.OTHER)


# --- permissions -----------------------------------------------------------------------------


def active_role(user: User | None, org: Organisation) -> Role | None:
    """Return the user's approved role in the organisation, if any."""
    if user is None:
        return None
    for membership in user.memberships:
        if membership.organisation_id == org.id and membership.status == MembershipStatus.ACTIVE:
            return membership.role
    return None


def has_role(user: User | None, org: Organisation, role: Role) -> bool:
    """Tell whether the user holds at least `role` in the organisation (site admins always do)."""
    if user is None:
        return False
    if user.is_site_admin:
        return True
    current = active_role(user, org)
    return current is not None and current.rank >= role.rank


def is_member(user: User | None, org: Organisation) -> bool:
    return has_role(user, org, Role.MEMBER)


def can_edit_content(user: User | None, org: Organisation) -> bool:
    """Editors and admins of the organisation, and site admins, write its content."""
    return has_role(user, org, Role.EDITOR)


def can_manage_members(user: User | None, org: Organisation) -> bool:
    return has_role(user, org, Role.ADMIN)


def require_role(user: User | None, org: Organisation, role: Role) -> User:
    """The user, if they hold at least `role` in the organisation; else NotAuthorized."""
    return require_permission(user, has_role, org, role)


def member_organisations(user: User | None, min_role: Role = Role.MEMBER) -> list[Organisation]:
    """Organisations where the user holds at least `min_role`."""
    if user is None:
        return []
    return [
        m.organisation
        for m in user.memberships
        if m.status == MembershipStatus.ACTIVE and m.role.rank >= min_role.rank
    ]


# --- reading ---------------------------------------------------------------------------------


def get_organisation(slug_or_code: str) -> Organisation:
    """Find an organisation by slug or by four-digit municipality code."""
    key = (slug_or_code or "").strip().lower()
    column = Organisation.municipality_code if key.isdigit() else Organisation.slug
    org = db.session.scalar(select(Organisation).where(column == key))
    if org is None:
        raise NotFound(_("No such organisation."))
    return org


def organisations_named(keys: Iterable[str]) -> dict[str, Organisation]:
    """The organisations `keys` name, each by slug or municipality code, in one query; a key
    that names none is missing from the answer."""
    wanted = [(key or "").strip().lower() for key in keys]
    codes = [key for key in wanted if key.isdigit()]
    slugs = [key for key in wanted if not key.isdigit()]
    stmt = select(Organisation).where(
        or_(Organisation.slug.in_(slugs), Organisation.municipality_code.in_(codes))
    )
    by_key: dict[str, Organisation] = {}
    for org in db.session.scalars(stmt):
        by_key[org.slug] = org
        if org.municipality_code:
            by_key[org.municipality_code] = org
    return {key: by_key[key] for key in wanted if key in by_key}


def find_organisation(text: str) -> Organisation:
    """Find an organisation by slug, municipality code, name or a common form of its name
    ("Vallentuna kommun", "Region Gotland"; portal/orgs/names.py)."""
    try:
        return get_organisation(text)
    except NotFound:
        ids = organisation_ids_named(text, exact=True)
        if len(ids) != 1:
            raise
        return db.session.get(Organisation, ids[0])


def get_organisation_to_edit(actor: User | None, slug: str) -> Organisation:
    """Find an organisation for its edit page: its admins and site admins."""
    org = get_organisation(slug)
    require_role(actor, org, Role.ADMIN)
    return org


def pending_membership(actor: User | None, org: Organisation) -> Membership | None:
    """The actor's membership of the organisation that is not (or no longer) active, if any."""
    if actor is None:
        return None
    return next((m for m in actor.memberships if m.organisation_id == org.id), None)


def memberships_of(user: User) -> list[Membership]:
    """Return the user's memberships (any status) with their organisations, in one query."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.user_id == user.id)
            .options(joinedload(Membership.organisation))
            .order_by(Membership.created_at, Membership.id)
        )
    )


def list_counties() -> list[County]:
    return list(db.session.scalars(select(County).order_by(County.code)))


@dataclass(frozen=True)
class OrganisationFilter:
    kind: OrganisationKind | None = None
    county_code: str | None = None
    q: str | None = None
    verified: bool | None = None


@dataclass(frozen=True)
class KindCount:
    """How many organisations of a kind the list shows: real ones and made-up examples."""

    real: int = 0
    examples: int = 0


def count_by_kind() -> dict[OrganisationKind, KindCount]:
    """How many organisations of each kind the portal holds, real and example data apart
    (the list of a kind shows both; only the real ones are, say, Sweden's 290)."""
    counts: dict[OrganisationKind, KindCount] = {}
    rows = db.session.execute(
        select(Organisation.kind, Organisation.is_example, func.count()).group_by(
            Organisation.kind, Organisation.is_example
        )
    )
    for kind, is_example, number in rows:
        before = counts.get(kind, KindCount())
        counts[kind] = (
            KindCount(before.real, number) if is_example else KindCount(number, before.examples)
        )
    return counts


def list_organisations(filters: OrganisationFilter, page: int = 1, per_page: int = 20) -> Page:
    """Return a page of organisations matching the filters, ordered by name."""
    return paginate(_organisations_matching(filters), page, per_page)


def export_organisations(filters: OrganisationFilter, limit: int = 10_000) -> list[Organisation]:
    """Return every organisation matching the filters (up to `limit`), for a CSV export."""
    return list(db.session.scalars(_organisations_matching(filters).limit(limit)).unique())


def _organisations_matching(filters: OrganisationFilter) -> Select:
    stmt = select(Organisation)
    if filters.kind:
        stmt = stmt.where(Organisation.kind == filters.kind)
    if filters.county_code:
        stmt = stmt.where(Organisation.county_code == filters.county_code)
    if filters.verified is not None:
        stmt = stmt.where(Organisation.verified == filters.verified)
    if filters.q:
        term = filters.q.strip()[:100]
        if term:
            stmt = stmt.where(
                or_(
                    contains_text(Organisation.name, term),
                    Organisation.slug.like(f"%{slugify(term)}%") if slugify(term) else False,
                    Organisation.municipality_code == term,
                    Organisation.id.in_(organisation_ids_named(term)),
                )
            )
    return stmt.order_by(Organisation.name, Organisation.id)


def list_members(actor: User | None, org: Organisation) -> list[Membership]:
    """Return the organisation's memberships (active and pending); members only."""
    require_role(actor, org, Role.MEMBER)
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.organisation_id == org.id)
            .where(Membership.status != MembershipStatus.REFUSED)
            .options(selectinload(Membership.user))
            .order_by(Membership.status, Membership.created_at)
        )
    )


# --- changing --------------------------------------------------------------------------------


def unique_slug(name: str) -> str:
    """Make a lower-case ASCII slug from a name, unique among organisations."""
    base = slugify(name, max_length=100, word_boundary=True) or "organisation"
    slug, n = base, 2
    while db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def register_organisation(
    actor: User | None,
    *,
    name: str,
    kind: OrganisationKind,
    website: str | None = None,
    description: str | None = None,
    county_code: str | None = None,
) -> Organisation:
    """Register a supplier or other organisation; the actor becomes its first admin."""
    actor = require_login(actor)
    name = name.strip()
    errors: dict[str, list[str]] = {}
    require_text(errors, "name", name)
    if kind not in REGISTRABLE_KINDS:
        errors["kind"] = [_("Municipalities and authorities are already on the portal.")]
    if name and db.session.scalar(
        select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    ):
        errors["name"] = [_("An organisation with this name already exists.")]
    if county_code and db.session.get(County, county_code) is None:
        errors["county_code"] = [_("Unknown county.")]
    raise_field_errors(errors)
    org = Organisation(
        name=name,
        kind=kind,
        slug=unique_slug(name),
        website=(website or "").strip() or None,
        description=(description or "").strip() or None,
        county_code=county_code or None,
        verified=False,
    )
    db.session.add(org)
    db.session.flush()
    membership = Membership(
        user=actor,
        organisation=org,
        role=Role.ADMIN,
        status=MembershipStatus.ACTIVE,
        decided_at=utcnow(),
    )
    db.session.add(membership)
    db.session.flush()
    return org


def update_organisation(
    actor: User | None, org: Organisation, *, website: str | None, description: str | None
) -> Organisation:
    """Change an organisation's website and description (its admins and site admins)."""
    require_role(actor, org, Role.ADMIN)
    org.website = (website or "").strip() or None
    org.description = (description or "").strip() or None
    db.session.flush()
    return org


def verify_organisation(actor: User | None, org: Organisation) -> Organisation:
    """Mark a registered organisation as verified, so that it may publish (site admins only)."""
    if actor is None or not actor.is_site_admin:
        raise NotAuthorized(_("Only site administrators verify organisations."))
    org.verified = True
    db.session.flush()
    return org


def request_membership(
    actor: User | None, org: Organisation, message: str | None = None
) -> Membership:
    """Ask to join an organisation; its admins decide."""
    actor = require_login(actor)
    existing = db.session.scalar(
        select(Membership)
        .where(Membership.user_id == actor.id, Membership.organisation_id == org.id)
        .with_for_update()
    )
    if existing is not None:
        if existing.status == MembershipStatus.REFUSED:
            existing.status = MembershipStatus.PENDING
            existing.message = (message or "").strip() or None
            existing.decided_at = None
            db.session.flush()
            _notifications().notify_membership_requested(actor, existing)
            return existing
        raise ValidationError(_("You have already asked to join, or are a member."))
    membership = Membership(
        user=actor,
        organisation=org,
        role=Role.MEMBER,
        status=MembershipStatus.PENDING,
        message=(message or "").strip()[:2000] or None,
    )
    db.session.add(membership)
    db.session.flush()
    _notifications().notify_membership_requested(actor, membership)
    return membership


def get_membership(org: Organisation, membership_id: int) -> Membership:
    return get_under(
        Membership,
        membership_id,
        parent="organisation_id",
        parent_id=org.id,
        missing=_("No such membership."),
    )


def decide_membership(
    actor: User | None, membership: Membership, *, approve: bool, role: Role = Role.MEMBER
) -> Membership:
    """Approve (with a role) or refuse a pending request to join."""
    require_role(actor, membership.organisation, Role.ADMIN)
    lock_for_update(membership, "status")
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    membership.status = MembershipStatus.ACTIVE if approve else MembershipStatus.REFUSED
    membership.role = role if approve else Role.MEMBER
    membership.decided_at = utcnow()
    db.session.flush()
    _notifications().notify_membership_decided(actor, membership)
    return membership


def _notifications():
    # Notifications build on every feature, organisations included: import when first used.
    from portal.notifications import services

    return services


def _count_admins(org: Organisation) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.organisation_id == org.id,
                Membership.status == MembershipStatus.ACTIVE,
                Membership.role == Role.ADMIN,
            )
        )
        or 0
    )


def _ensure_admin_remains(membership: Membership) -> None:
    # Two admins who demote or remove each other at once must not leave none: decisions about
    # one organisation's admins take turns on its row (portal/core/database.py).
    lock_row(Organisation, membership.organisation_id)
    lock_for_update(membership, "status", "role")
    if (
        membership.status == MembershipStatus.ACTIVE
        and membership.role == Role.ADMIN
        and _count_admins(membership.organisation) <= 1
    ):
        raise ValidationError(
            _("An organisation must keep at least one admin."),
            {"role": [_("Make someone else admin first.")]},
        )


def change_role(actor: User | None, membership: Membership, role: Role) -> Membership:
    """Give an active member another role; the last admin cannot be demoted."""
    require_role(actor, membership.organisation, Role.ADMIN)
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError(_("Only active members have a role."))
    if role != Role.ADMIN:
        _ensure_admin_remains(membership)
    membership.role = role
    db.session.flush()
    return membership


def remove_member(actor: User | None, membership: Membership) -> None:
    """Remove a member (admins), or leave (the member themself); one admin always remains."""
    actor = require_login(actor)
    if actor.id != membership.user_id:
        require_role(actor, membership.organisation, Role.ADMIN)
    _ensure_admin_remains(membership)
    db.session.delete(membership)
    db.session.flush()


def get_organisation_by_id(organisation_id: int | None) -> Organisation:
    """Find the organisation a form names (forms send ids); none is a 422 on the field."""
    org = db.session.get(Organisation, organisation_id) if organisation_id else None
    if org is None:
        raise ValidationError(
            _("Choose an organisation."), {"organisation_id": [_("Choose an organisation.")]}
        )
    return org


def where_organisation(
    stmt: Select,
    organisation_id_column: ColumnElement[int],
    *,
    kind: OrganisationKind | None = None,
    county_code: str | None = None,
    organisation_id: int | None = None,
) -> Select:
    """Narrow a query of content to that of organisations of one kind, in one county, or of
    one organisation (`organisation_id_column` names the content's organisation)."""
    if kind or county_code:
        stmt = stmt.join(Organisation, Organisation.id == organisation_id_column)
        if kind:
            stmt = stmt.where(Organisation.kind == kind)
        if county_code:
            stmt = stmt.where(Organisation.county_code == county_code)
    if organisation_id:
        stmt = stmt.where(organisation_id_column == organisation_id)
    return stmt


def last_public_change() -> datetime | None:
    """When an organisation last changed (every organisation is public)."""
    return db.session.scalar(select(func.max(Organisation.updated_at)))
