"""The experiences as CSV: one column description, for every download of them."""

from __future__ import annotations

from portal.core.csv_export import Columns
from portal.experiences.models import Experience
from portal.orgs.export import OWNER_COLUMNS

EXPERIENCE_COLUMNS: Columns[Experience] = [
    ("id", lambda e: e.id),
    ("title", lambda e: e.title),
    *OWNER_COLUMNS,
    ("tags", lambda e: ", ".join(t.name for t in e.tags)),
    ("standards", lambda e: ", ".join(s.slug for s in e.standards)),
    ("published_at", lambda e: e.published_at.date().isoformat()),
]
