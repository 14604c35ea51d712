"""The narrowing every content list shares: by standard, organisation kind and county.

The experiences and needs pages both filter their lists this way and offer the same choices
in their filter forms; read the query and the choices here once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from portal.core.args import choice_arg, enum_arg, unknown_values
from portal.orgs.models import County, OrganisationKind
from portal.orgs.services import list_counties
from portal.standards.models import Standard
from portal.standards.services import all_standards


@dataclass(frozen=True)
class ContentScope:
    """The standard, organisation kind and county chosen in the query (None: any)."""

    standard: str | None
    kind: OrganisationKind | None
    county_code: str | None
    standards: list[Standard]
    counties: list[County]
    # (filter label, value) of each filter whose value names nothing: the list then shows
    # nothing and says why, rather than silently dropping the filter and showing everything.
    unknown: list[tuple[str, str]]

    def choices(self) -> dict:
        """What the filter form offers, and the unknown values, for the template."""
        return {
            "standards": self.standards,
            "counties": self.counties,
            "kinds": OrganisationKind,
            "unknown": self.unknown,
        }


def content_scope() -> ContentScope:
    """Read `standard`, `kind` and `county` from the query, noting values that name nothing."""
    standards = all_standards()
    counties = list_counties()
    chosen = {
        "standard": choice_arg("standard", (s.slug for s in standards)),
        "kind": enum_arg("kind", OrganisationKind),
        "county_code": choice_arg("county", (c.code for c in counties)),
    }
    unknown = unknown_values(
        (_("Standard"), "standard", chosen["standard"]),
        (_("Kind of organisation"), "kind", chosen["kind"]),
        (_("County"), "county", chosen["county_code"]),
    )
    return ContentScope(**chosen, standards=standards, counties=counties, unknown=unknown)
