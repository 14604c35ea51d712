"""The organisations as CSV: one column description, for every download of them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.core.csv_export import Column, Columns
from portal.core.templating import kind_label
from portal.orgs.models import Organisation

ORGANISATION_COLUMNS: Columns[Organisation] = [
    Column("slug", lambda o: o.slug, _l("Short name")),
    Column("name", lambda o: o.name, _l("Name")),
    Column("kind", lambda o: o.kind, _l("Kind"), kind_label),
    Column("municipality_code", lambda o: o.municipality_code, _l("Municipality code")),
    Column("county_code", lambda o: o.county_code, _l("County code")),
    Column("county", lambda o: o.county.name if o.county else None, _l("County")),
    Column("website", lambda o: o.website, _l("Website")),
    Column("verified", lambda o: o.verified, _l("Verified")),
    Column("is_example", lambda o: o.is_example, _l("Example data")),
]

# How the owning organisation appears in the CSV of what it owns (plans, experiences, needs).
OWNER_COLUMNS: Columns[Any] = [
    Column("organization", lambda row: row.organisation.slug, _l("Organisation (short name)")),
    Column("organization_name", lambda row: row.organisation.name, _l("Organisation")),
    Column("kind", lambda row: row.organisation.kind, _l("Kind"), kind_label),
    Column("county_code", lambda row: row.organisation.county_code, _l("County code")),
]
