"""Reading and maintaining the standards catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Required, TypedDict, Unpack

from flask_babel import gettext as _
from slugify import slugify
from sqlalchemy import func, or_, select

from portal.accounts.models import User
from portal.core.pagination import Page, paginate
from portal.core.queries import contains_text, get_by_key
from portal.core.rules import raise_field_errors, require_permission, require_text
from portal.extensions import db
from portal.orgs.models import Organisation, OrganisationKind, Role
from portal.orgs.services import can_edit_content, member_organisations
from portal.standards.models import Standard, StandardKind

RESERVED_SLUGS = {"new"}


def get_standard(slug: str) -> Standard:
    """Find a catalogue entry by its slug."""
    return get_by_key(Standard, Standard.slug, slug, _("No such standard."))


def standards_by_ids(ids: list[int] | None, errors: dict[str, list[str]]) -> list[Standard]:
    """The standards a form or body names by id; an unknown id is an error on `standard_ids`."""
    ids = list(dict.fromkeys(ids or []))
    if not ids:
        return []
    found = list(db.session.scalars(select(Standard).where(Standard.id.in_(ids))))
    if len(found) != len(ids):
        errors["standard_ids"] = [_("Unknown standard.")]
    return found


def all_standards() -> list[Standard]:
    """Every entry, by name (for choice lists; the catalogue is small)."""
    return list(db.session.scalars(select(Standard).order_by(Standard.name)))


@dataclass(frozen=True)
class StandardFilter:
    kind: StandardKind | None = None
    q: str | None = None


def list_standards(filters: StandardFilter, page: int = 1, per_page: int = 50) -> Page:
    """Return a page of catalogue entries, by name."""
    stmt = select(Standard)
    if filters.kind:
        stmt = stmt.where(Standard.kind == filters.kind)
    if filters.q:
        term = filters.q.strip()[:100]
        stmt = stmt.where(
            or_(contains_text(Standard.name, term), contains_text(Standard.description, term))
        )
    return paginate(stmt.order_by(Standard.name, Standard.id), page, per_page)


def owner_choices(actor: User | None) -> list[Organisation]:
    """Organisations the actor may name as a standard's owner."""
    if actor is None:
        return []
    if actor.is_site_admin:
        return list(
            db.session.scalars(
                select(Organisation)
                .where(Organisation.kind == OrganisationKind.AUTHORITY)
                .order_by(Organisation.name)
            )
        )
    return [
        org
        for org in member_organisations(actor, Role.EDITOR)
        if org.kind == OrganisationKind.AUTHORITY and org.verified
    ]


def can_create_standard(actor: User | None) -> bool:
    return bool(actor is not None and (actor.is_site_admin or owner_choices(actor)))


def require_standard_creator(actor: User | None) -> None:
    """Refuse the page for a new entry to those who may not add one."""
    require_permission(actor, can_create_standard)


def get_standard_to_maintain(actor: User | None, slug: str) -> Standard:
    """Find an entry for its edit page: site admins and the owning authority's editors."""
    standard = get_standard(slug)
    require_permission(actor, can_maintain_standard, standard)
    return standard


def can_maintain_standard(actor: User | None, standard: Standard) -> bool:
    """Site admins, and editors of the owning authority, maintain an entry."""
    if actor is None:
        return False
    if actor.is_site_admin:
        return True
    return standard.owner is not None and can_edit_content(actor, standard.owner)


class StandardValues(TypedDict, total=False):
    """What a catalogue entry holds: the keywords of create_standard and update_standard."""

    name: Required[str]
    kind: Required[StandardKind]
    owner_id: int | None
    owner_name: str | None
    version: str | None
    in_force: date | None
    url: str | None
    description: str | None


def _validate(
    actor: User, values: StandardValues, *, owner_kept: bool = False
) -> dict[str, list[str]]:
    """Field errors; with `owner_kept` the owner is not being chosen and is not checked."""
    errors: dict[str, list[str]] = {}
    name, url = values["name"], values.get("url")
    owner_id, owner_name = values.get("owner_id"), values.get("owner_name")
    require_text(errors, "name", name)
    if not owner_kept:
        allowed = {o.id for o in owner_choices(actor)}
        if owner_id is not None and owner_id not in allowed:
            errors["owner_id"] = [_("You cannot name this organisation as owner.")]
        if owner_id is None and not actor.is_site_admin:
            errors["owner_id"] = [_("Choose the owning authority.")]
        if owner_id is None and not (owner_name or "").strip():
            errors["owner_name"] = [_("Name the owner when it is not on the portal.")]
    if url and not url.startswith(("http://", "https://")):
        errors["url"] = [_("Give a web address starting with http:// or https://.")]
    return errors


def create_standard(actor: User | None, **values: Unpack[StandardValues]) -> Standard:
    """Add an entry (site admins, or editors of the authority that owns it)."""
    actor = require_permission(actor, can_create_standard)
    errors = _validate(actor, values)
    base = slugify(values["name"], max_length=100, word_boundary=True) or "standard"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or db.session.scalar(
        select(Standard.id).where(Standard.slug == slug)
    ):
        slug, n = f"{base}-{n}", n + 1
    raise_field_errors(errors)
    standard = Standard(slug=slug)
    _apply(standard, values)
    db.session.add(standard)
    db.session.flush()
    return standard


def _apply(standard: Standard, values: StandardValues) -> None:
    owner_id = values.get("owner_id")
    standard.name = values["name"].strip()
    standard.kind = values["kind"]
    standard.owner_id = owner_id
    standard.owner_name = None if owner_id else (values.get("owner_name") or "").strip() or None
    standard.version = (values.get("version") or "").strip() or None
    standard.in_force = values.get("in_force")
    standard.url = (values.get("url") or "").strip() or None
    standard.description = (values.get("description") or "").strip() or None


def update_standard(
    actor: User | None, standard: Standard, **values: Unpack[StandardValues]
) -> Standard:
    """Change an entry (site admins, or editors of the owning authority)."""
    actor = require_permission(actor, can_maintain_standard, standard)
    # An owner's editor keeps the entry with their authority; only site admins move it.
    owner_kept = not actor.is_site_admin
    if owner_kept:
        values["owner_id"] = standard.owner_id
    raise_field_errors(_validate(actor, values, owner_kept=owner_kept))
    _apply(standard, values)
    db.session.flush()
    return standard


def last_public_change() -> datetime | None:
    """When a standard last changed (every standard is public)."""
    return db.session.scalar(select(func.max(Standard.updated_at)))
