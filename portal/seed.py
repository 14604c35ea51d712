"""Reference data (counties, municipalities, authorities) and demo content, loaded idempotently."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from slugify import slugify
from sqlalchemy import select

from portal.accounts import services as account_services
from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.orgs.models import (
    County,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Role,
)


def read_csv(name: str) -> Iterator[dict[str, str]]:
    """Yield the rows of a CSV file shipped in portal/data."""
    with resources.files("portal.data").joinpath(name).open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def municipality_slugs(rows: list[dict[str, str]]) -> dict[str, str]:
    """Map municipality code to slug; where two names share a slug (Håbo 0305 and Habo 0643),
    the lower code keeps it and the other gets its code appended (habo-0643)."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for row in sorted(rows, key=lambda r: r["code"]):
        slug = slugify(row["name"])
        if slug in taken:
            slug = f"{slug}-{row['code']}"
        taken.add(slug)
        slugs[row["code"]] = slug
    return slugs


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, what: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[what] = bucket.get(what, 0) + 1


def _upsert(obj: object | None, factory: Callable[[], object], values: dict) -> tuple[object, bool]:
    """Create the object, or set changed values on the existing one; return (obj, changed)."""
    if obj is None:
        obj = factory()
        for key, value in values.items():
            setattr(obj, key, value)
        db.session.add(obj)
        return obj, True
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return obj, changed


def seed_counties(report: SeedReport) -> None:
    existing = {c.code: c for c in db.session.scalars(select(County))}
    for row in read_csv("counties.csv"):
        obj = existing.get(row["code"])
        _, changed = _upsert(obj, County, {"code": row["code"], "name": row["name"]})
        if changed:
            report.count("counties", obj is None)
    db.session.flush()


# population.csv holds SCB's folkmängd on 31 December of this year.
POPULATION_YEAR = 2024


def seed_municipalities(report: SeedReport) -> None:
    existing = {
        o.municipality_code: o
        for o in db.session.scalars(
            select(Organisation).where(Organisation.municipality_code.is_not(None))
        )
    }
    rows = list(read_csv("municipalities.csv"))
    slugs = municipality_slugs(rows)
    population = {r["code"]: int(r["population"]) for r in read_csv("population.csv")}
    for row in rows:
        obj = existing.get(row["code"])
        values = {
            "kind": OrganisationKind.MUNICIPALITY,
            "name": row["name"],
            "municipality_code": row["code"],
            "county_code": row["county_code"],
            "verified": True,
            "population": population.get(row["code"]),
            "population_year": POPULATION_YEAR if row["code"] in population else None,
        }
        if obj is None:
            values["slug"] = slugs[row["code"]]
        _, changed = _upsert(obj, Organisation, values)
        if changed:
            report.count("municipalities", obj is None)
    db.session.flush()


def seed_authorities(report: SeedReport) -> None:
    rows = list(read_csv("authorities.csv"))
    existing = {
        o.slug: o
        for o in db.session.scalars(
            select(Organisation).where(Organisation.slug.in_([r["slug"] for r in rows]))
        )
    }
    for row in rows:
        obj = existing.get(row["slug"])
        values = {
            "kind": OrganisationKind.AUTHORITY,
            "slug": row["slug"],
            "name": row["name"],
            "website": row["website"] or None,
            "county_code": row["county_code"] or None,
            "verified": True,
        }
        if obj is None:
            values["description"] = row["description"] or None
        _, changed = _upsert(obj, Organisation, values)
        if changed:
            report.count("authorities", obj is None)
    db.session.flush()


def seed_dimensions(report: SeedReport) -> None:
    from portal.plans.models import MaturityDimension

    existing = {d.key: d for d in db.session.scalars(select(MaturityDimension))}
    for row in read_csv("dimensions.csv"):
        obj = existing.get(row["key"])
        values = {
            "key": row["key"],
            "position": int(row["position"]),
            "name_sv": row["name_sv"],
            "name_en": row["name_en"],
            "description_sv": row["description_sv"] or None,
        }
        _, changed = _upsert(obj, MaturityDimension, values)
        if changed:
            report.count("maturity dimensions", obj is None)
    db.session.flush()


def seed_standards(report: SeedReport) -> None:
    from portal.standards.models import Standard, StandardKind

    with resources.files("portal.data").joinpath("standards.json").open(encoding="utf-8") as fh:
        entries = json.load(fh)
    owners = {
        o.slug: o.id
        for o in db.session.scalars(
            select(Organisation).where(
                Organisation.slug.in_([e["owner"] for e in entries if e["owner"]])
            )
        )
    }
    existing = {s.slug: s for s in db.session.scalars(select(Standard))}
    for entry in entries:
        obj = existing.get(entry["slug"])
        values = {
            "slug": entry["slug"],
            "name": entry["name"],
            "kind": StandardKind(entry["kind"]),
            "owner_id": owners.get(entry["owner"]) if entry["owner"] else None,
            "owner_name": entry.get("owner_name"),
            "version": entry.get("version"),
            "in_force": date.fromisoformat(entry["in_force"]) if entry.get("in_force") else None,
            "url": entry.get("url"),
        }
        if obj is None:
            # Descriptions are maintained on the portal once created; seeding never overwrites.
            values["description"] = entry.get("description")
        _, changed = _upsert(obj, Standard, values)
        if changed:
            report.count("standards", obj is None)
    db.session.flush()


# Loaders run in order by `seed`; features append theirs (dimensions, standards, ...).
REFERENCE_LOADERS: list[Callable[[SeedReport], None]] = [
    seed_counties,
    seed_municipalities,
    seed_authorities,
    seed_dimensions,
    seed_standards,
]
DEMO_LOADERS: list[Callable[[SeedReport], None]] = []


def demo_organisation(slug: str) -> Organisation | None:
    """An organisation of the demo data by slug (None when reference data is missing)."""
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def demo_user(email: str) -> User | None:
    """A demo account by email (None until `seed_demo_users` ran)."""
    return db.session.scalar(select(User).where(User.email == email))


def standard_ids_by_slug(slugs: list[str]) -> list[int]:
    """The ids of catalogue standards named by slug, for demo content that cites them."""
    from portal.standards.models import Standard

    if not slugs:
        return []
    return list(db.session.scalars(select(Standard.id).where(Standard.slug.in_(slugs))))


def seed_reference(report: SeedReport | None = None) -> SeedReport:
    """Load every kind of reference data; running it twice changes nothing."""
    report = report or SeedReport()
    for loader in REFERENCE_LOADERS:
        loader(report)
    return report


# --- demo ------------------------------------------------------------------------------------

# Not "demo-...": the demo accounts are named "Demo ...", and a password may not contain its
# owner's name (portal/accounts/passwords.py).
DEMO_PASSWORD_DEFAULT = "delade-planer-2026"  # noqa: S105 - demo data only, documented


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT)


DEMO_ORGANISATIONS = [
    {
        "slug": "exempelkommunen",
        "name": "Exempelkommunen",
        "kind": OrganisationKind.MUNICIPALITY,
        "county_code": "03",
        "description": "En påhittad kommun med exempeldata, för att visa hur portalen fungerar.",
    },
    {
        "slug": "provkommunen",
        "name": "Provkommunen",
        "kind": OrganisationKind.MUNICIPALITY,
        "county_code": "12",
        "description": "En påhittad kommun med exempeldata.",
    },
    {
        "slug": "demo-systemleverantor-ab",
        "name": "Demo Systemleverantör AB",
        "kind": OrganisationKind.SUPPLIER,
        "county_code": None,
        "description": "En påhittad leverantör av ärendehanterings- och GIS-system (exempeldata).",
    },
    {
        "slug": "exempel-gis-ab",
        "name": "Exempel GIS AB",
        "kind": OrganisationKind.SUPPLIER,
        "county_code": None,
        "description": "En påhittad leverantör av kartsystem (exempeldata).",
    },
]

# (email, name, site admin, [(organisation slug, role)])
DEMO_USERS = [
    ("admin@demo.example", "Demo Webbansvarig", True, []),
    ("gotland@demo.example", "Demo Redaktör Gotland", False, [("gotland", Role.EDITOR)]),
    ("vallentuna@demo.example", "Demo Admin Vallentuna", False, [("vallentuna", Role.ADMIN)]),
    (
        "exempel@demo.example",
        "Demo Redaktör Exempelkommunen",
        False,
        [("exempelkommunen", Role.ADMIN)],
    ),
    ("prov@demo.example", "Demo Redaktör Provkommunen", False, [("provkommunen", Role.ADMIN)]),
    (
        "leverantor@demo.example",
        "Demo Leverantör",
        False,
        [("demo-systemleverantor-ab", Role.ADMIN)],
    ),
    ("gis@demo.example", "Demo GIS-leverantör", False, [("exempel-gis-ab", Role.ADMIN)]),
    ("medlem@demo.example", "Demo Besökare", False, []),
]


def seed_demo_organisations(report: SeedReport) -> None:
    for spec in DEMO_ORGANISATIONS:
        obj = db.session.scalar(select(Organisation).where(Organisation.slug == spec["slug"]))
        values = {**spec, "verified": True, "is_example": True}
        _, changed = _upsert(obj, Organisation, values)
        if changed:
            report.count("demo organisations", obj is None)
    db.session.flush()


def seed_demo_users(report: SeedReport) -> None:
    password = demo_password()
    for email, name, site_admin, memberships in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = account_services.register_user(email, name, password, site_admin=site_admin)
            report.count("demo users", True)
        for slug, role in memberships:
            org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
            if org is None:
                continue
            membership = db.session.scalar(
                select(Membership).where(
                    Membership.user_id == user.id, Membership.organisation_id == org.id
                )
            )
            if membership is None:
                db.session.add(
                    Membership(
                        user=user,
                        organisation=org,
                        role=role,
                        status=MembershipStatus.ACTIVE,
                        decided_at=utcnow(),
                    )
                )
                report.count("demo memberships", True)
        roles = ", ".join(f"{role.value} i {slug}" for slug, role in memberships)
        label = "webbansvarig (site admin)" if site_admin else (roles or "utan organisation")
        report.logins.append((email, password, label))
    db.session.flush()


DEMO_LOADERS.extend([seed_demo_organisations, seed_demo_users])


def _seed_demo_plans(report: SeedReport) -> None:
    from portal.plans.demo import seed_demo_plans

    seed_demo_plans(report)


DEMO_LOADERS.append(_seed_demo_plans)


def _seed_experience_demo(report: SeedReport) -> None:
    from portal.experiences.demo import seed_experience_demo

    seed_experience_demo(report)


def _seed_need_demo(report: SeedReport) -> None:
    from portal.needs.demo import seed_need_demo

    seed_need_demo(report)


DEMO_LOADERS.extend([_seed_experience_demo, _seed_need_demo])


def seed_demo(report: SeedReport | None = None) -> SeedReport:
    """Add example organisations, users and content; safe to run again."""
    report = report or SeedReport()
    for loader in DEMO_LOADERS:
        loader(report)
    return report


__all__ = ["SeedReport", "seed_demo", "seed_reference"]
