"""The adaptation needs as CSV: one column description, for every download of them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.csv_export import Column, Columns, labelled
from portal.needs.forms import NEED_STATUS_LABELS, PRODUCT_AREA_LABELS
from portal.needs.models import AdaptationNeed
from portal.orgs.export import OWNER_COLUMNS

NEED_COLUMNS: Columns[AdaptationNeed] = [
    Column("id", lambda n: n.id, _l("Number")),
    Column("title", lambda n: n.title, _l("Title")),
    Column("status", lambda n: n.status, _l("Status"), labelled(NEED_STATUS_LABELS)),
    *OWNER_COLUMNS,
    Column("standard", lambda n: n.standard.slug if n.standard else None, _l("Standard")),
    Column(
        "product_area", lambda n: n.product_area, _l("Product area"), labelled(PRODUCT_AREA_LABELS)
    ),
    Column(
        "desired_by", lambda n: n.desired_by.isoformat() if n.desired_by else None, _l("Desired by")
    ),
    Column("backing_count", lambda n: n.backing_count, _l("Organisations backing it")),
    Column("answer_count", lambda n: n.answer_count, _l("Supplier answers")),
    Column("created_at", lambda n: n.created_at.date().isoformat(), _l("Created")),
]
