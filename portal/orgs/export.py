"""The organisations as CSV: one column description, for every download of them."""

from __future__ import annotations

from typing import Any

from portal.core.csv_export import Columns
from portal.orgs.models import Organisation

ORGANISATION_COLUMNS: Columns[Organisation] = [
    ("slug", lambda o: o.slug),
    ("name", lambda o: o.name),
    ("kind", lambda o: o.kind),
    ("municipality_code", lambda o: o.municipality_code),
    ("county_code", lambda o: o.county_code),
    ("county", lambda o: o.county.name if o.county else None),
    ("website", lambda o: o.website),
    ("verified", lambda o: o.verified),
    ("is_example", lambda o: o.is_example),
]

# How the owning organisation appears in the CSV of what it owns (plans, experiences, needs).
OWNER_COLUMNS: Columns[Any] = [
    ("organization", lambda row: row.organisation.slug),
    ("organization_name", lambda row: row.organisation.name),
    ("kind", lambda row: row.organisation.kind),
    ("county_code", lambda row: row.organisation.county_code),
]
