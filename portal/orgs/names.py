"""The names people use for organisations besides the register's short name.

The register (portal/data) names municipalities as SCB does ("Vallentuna", "Malmö",
"Gotland") and county administrative boards by their county ("Länsstyrelsen Gotland"), but
people type the official and everyday forms: "Vallentuna kommun", "Malmö stad", "Lunds
kommun", "Region Gotland", "Länsstyrelsen i Gotlands län". These aliases are derived from the
register data, matched by the organisation search, the plans filter and the comparison's
organisation search, and indexed with each organisation for the site search.
"""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache
from importlib import resources

from sqlalchemy import select

from portal.extensions import db
from portal.orgs.models import County, Organisation, OrganisationKind


@cache
def sole_municipalities() -> frozenset[str]:
    """Codes of municipalities that are the only one in their county (Gotland: a municipality
    with a region's tasks, officially "Region Gotland")."""
    path = resources.files("portal.data").joinpath("municipalities.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    per_county = Counter(row["county_code"] for row in rows)
    return frozenset(row["code"] for row in rows if per_county[row["county_code"]] == 1)


def genitive(name: str) -> str:
    """Swedish genitive: "Lunds", "Stockholms"; names ending in s, x or z stay as they are."""
    return name if name.endswith(("s", "x", "z")) else f"{name}s"


def name_aliases(
    kind: OrganisationKind | str,
    name: str,
    municipality_code: str | None,
    county_name: str | None,
) -> list[str]:
    """The common forms of an organisation's name that the register does not hold."""
    kind = OrganisationKind(kind)
    if kind == OrganisationKind.MUNICIPALITY and municipality_code:
        forms = [f"{name} kommun", f"{genitive(name)} kommun", f"{name} stad"]
        forms.append(f"{genitive(name)} stad")
        if municipality_code in sole_municipalities():
            forms.append(f"Region {name}")
        return list(dict.fromkeys(forms))
    # The register gives a county only to the county administrative boards among authorities.
    if kind == OrganisationKind.AUTHORITY and county_name:
        return [f"Länsstyrelsen i {county_name}", f"{county_name}s länsstyrelse"]
    return []


def organisation_aliases(org: Organisation) -> list[str]:
    return name_aliases(
        org.kind, org.name, org.municipality_code, org.county.name if org.county else None
    )


def _alias_table() -> list[tuple[int, str, list[str]]]:
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.kind,
            Organisation.name,
            Organisation.municipality_code,
            County.name,
        ).outerjoin(County, County.code == Organisation.county_code)
    )
    return [
        (i, name, name_aliases(kind, name, code, county)) for i, kind, name, code, county in rows
    ]


def organisation_ids_named(term: str, *, exact: bool = False) -> list[int]:
    """Ids of organisations one of whose name forms contains `term` (or is it, with `exact`),
    ignoring letter case; one query."""
    wanted = " ".join(term.split()).casefold()
    if not wanted:
        return []
    ids = []
    for org_id, name, aliases in _alias_table():
        forms = [f.casefold() for f in (name, *aliases)]
        if any(wanted == f if exact else wanted in f for f in forms):
            ids.append(org_id)
    return ids
