"""The experiences as CSV: one column description, for every download of them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.csv_export import Column, Columns
from portal.experiences.models import Experience
from portal.orgs.export import OWNER_COLUMNS

EXPERIENCE_COLUMNS: Columns[Experience] = [
    Column("id", lambda e: e.id, _l("Number")),
    Column("title", lambda e: e.title, _l("Title")),
    *OWNER_COLUMNS,
    Column("tags", lambda e: ", ".join(t.name for t in e.tags), _l("Tags")),
    Column("standards", lambda e: ", ".join(s.slug for s in e.standards), _l("Standards")),
    Column("published_at", lambda e: e.published_at.date().isoformat(), _l("Published")),
]
