"""The adaptation needs as CSV: one column description, for every download of them."""

from __future__ import annotations

from portal.core.csv_export import Columns
from portal.needs.models import AdaptationNeed
from portal.orgs.export import OWNER_COLUMNS

NEED_COLUMNS: Columns[AdaptationNeed] = [
    ("id", lambda n: n.id),
    ("title", lambda n: n.title),
    ("status", lambda n: n.status),
    *OWNER_COLUMNS,
    ("standard", lambda n: n.standard.slug if n.standard else None),
    ("product_area", lambda n: n.product_area),
    ("desired_by", lambda n: n.desired_by.isoformat() if n.desired_by else None),
    ("backing_count", lambda n: n.backing_count),
    ("answer_count", lambda n: n.answer_count),
    ("created_at", lambda n: n.created_at.date().isoformat()),
]
