"""Reading the catalogue of standards (public reference data)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from portal.core.pagination import Page, paginate
from portal.errors import NotFound
from portal.extensions import db
from portal.standards.models import Standard, StandardKind


def list_standards(
    *, kind: StandardKind | None = None, q: str | None = None, page: int = 1, per_page: int = 20
) -> Page:
    """Return a page of standards, optionally of one kind or matching words, ordered by name."""
    stmt = select(Standard)
    if kind:
        stmt = stmt.where(Standard.kind == kind)
    term = (q or "").strip()[:100]
    if term:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Standard.name).like(pattern, escape="\\"),
                func.lower(Standard.slug).like(pattern, escape="\\"),
            )
        )
    return paginate(stmt.order_by(Standard.name, Standard.id), page, per_page)


def get_standard(slug: str) -> Standard:
    """Find a standard by its slug."""
    standard = db.session.scalar(select(Standard).where(Standard.slug == (slug or "").lower()))
    if standard is None:
        raise NotFound(_("No such standard."))
    return standard
