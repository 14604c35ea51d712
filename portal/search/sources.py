"""Organisations and standards as search sources (plans and exchange content plug in alike)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.core.templating import has_endpoint
from portal.orgs.models import County, Organisation
from portal.orgs.names import name_aliases
from portal.search.registry import (
    SearchDocument,
    SearchSource,
    int_keys,
    load_by_id,
    register,
)
from portal.standards.models import Standard

STANDARD_KIND_WORDS = {
    "standard": "standard",
    "regulation": "föreskrift",
    "specification": "specifikation",
    "national_solution": "nationell lösning",
}


# --- organisations ------------------------------------------------------------------------------


def _county_names(session: Session) -> dict[str, str]:
    return {code: name for code, name in session.execute(select(County.code, County.name))}


def organisation_document(org: Organisation, counties: Mapping[str, str]) -> SearchDocument:
    county = counties.get(org.county_code or "", "")
    body = "\n".join(p for p in (org.description or "", county, org.municipality_code or "") if p)
    return SearchDocument(
        doc_type="organisation",
        key=str(org.id),
        title=org.name,
        body=body,
        date=org.updated_at or org.created_at,
        org_name=org.name,
        org_kind=org.kind.value,
        county=org.county_code,
        ref=org.slug,
        # The common forms of its name ("Vallentuna kommun", "Region Gotland") find it too.
        aliases=tuple(name_aliases(org.kind, org.name, org.municipality_code, county or None)),
    )


def load_organisations(session: Session, keys: Sequence[str]) -> dict[str, SearchDocument | None]:
    """Verified organisations are searchable; unverified registrations are not (yet)."""
    docs: dict[str, SearchDocument | None] = dict.fromkeys(keys)
    ids = int_keys(keys)
    if not ids:
        return docs
    counties = _county_names(session)
    for org in session.scalars(select(Organisation).where(Organisation.id.in_(ids))):
        if org.verified:
            docs[str(org.id)] = organisation_document(org, counties)
    return docs


def public_organisation_keys(session: Session) -> Iterable[str]:
    return (str(i) for i in session.scalars(select(Organisation.id).where(Organisation.verified)))


def organisation_url(hit: Mapping[str, Any]) -> str | None:
    return url_for("orgs.show", slug=hit["ref"]) if hit.get("ref") else None


# --- standards ----------------------------------------------------------------------------------


def standard_document(std: Standard) -> SearchDocument:
    owner = std.owner
    owner_name = owner.name if owner is not None else std.owner_name
    body = "\n".join(
        p
        for p in (
            std.description or "",
            std.version or "",
            owner_name or "",
            STANDARD_KIND_WORDS.get(std.kind.value, ""),
        )
        if p
    )
    return SearchDocument(
        doc_type="standard",
        key=str(std.id),
        title=std.name,
        body=body,
        date=std.in_force or std.updated_at or std.created_at,
        org_name=owner_name,
        org_kind=owner.kind.value if owner is not None else None,
        county=owner.county_code if owner is not None else None,
        standards=(std.slug,),
        ref=std.slug,
        href=std.url,
    )


def load_standards(session: Session, keys: Sequence[str]) -> dict[str, SearchDocument | None]:
    # Standard.owner is joined eagerly: one query per batch.
    return load_by_id(
        session, keys, lambda ids: select(Standard).where(Standard.id.in_(ids)), standard_document
    )


def public_standard_keys(session: Session) -> Iterable[str]:
    return (str(i) for i in session.scalars(select(Standard.id)))


def standard_affected_keys(obj: Any) -> Iterable[str]:
    if isinstance(obj, Standard):
        return [str(obj.id)] if obj.id is not None else []
    # An organisation's name, kind or county is shown on the standards it owns.
    if isinstance(obj, Organisation) and obj.id is not None:
        from portal.extensions import db

        return [
            str(i)
            for i in db.session.scalars(select(Standard.id).where(Standard.owner_id == obj.id))
        ]
    return []


def standard_url(hit: Mapping[str, Any]) -> str | None:
    if has_endpoint("standards.show") and hit.get("ref"):
        return url_for("standards.show", slug=hit["ref"])
    return hit.get("href") or None


def register_sources() -> None:
    register(
        SearchSource(
            doc_type="organisation",
            label=_l("Organisation"),
            models=(Organisation,),
            affected_keys=lambda obj: [str(obj.id)] if obj.id is not None else [],
            load_documents=load_organisations,
            public_keys=public_organisation_keys,
            url=organisation_url,
        )
    )
    register(
        SearchSource(
            doc_type="standard",
            label=_l("Standard"),
            models=(Standard, Organisation),
            affected_keys=standard_affected_keys,
            load_documents=load_standards,
            public_keys=public_standard_keys,
            url=standard_url,
            watched_columns={Organisation: frozenset({"name", "kind", "county_code"})},
        )
    )
