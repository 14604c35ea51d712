"""A standard or national solution that organisations adapt to."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, enum_column, set_null_fk
from portal.extensions import db
from portal.orgs.models import Organisation


class StandardKind(enum.StrEnum):
    STANDARD = "standard"
    REGULATION = "regulation"
    SPECIFICATION = "specification"
    NATIONAL_SOLUTION = "national_solution"


class Standard(TimestampMixin, db.Model):
    """An entry in the catalogue: a standard, regulation, specification or national solution."""

    __tablename__ = "standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[StandardKind] = enum_column(StandardKind, index=True)
    # The owning organisation when it is on the portal (its editors maintain the entry) ...
    owner_id: Mapped[int | None] = set_null_fk("organisations.id")
    # ... else the name of the body that owns it (SIS, ISO, OGC, the EU, ...).
    owner_name: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[str | None] = mapped_column(String(100))
    in_force: Mapped[date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)

    owner: Mapped[Organisation | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Standard {self.slug}>"
