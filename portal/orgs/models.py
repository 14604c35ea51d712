"""Counties, organisations and memberships with roles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import TimestampMixin, cascade_fk, enum_column
from portal.extensions import db


class OrganisationKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    AUTHORITY = "authority"
    SUPPLIER = "supplier"
    OTHER = "other"


class Role(enum.StrEnum):
    MEMBER = "member"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"member": 1, "editor": 2, "admin": 3}[self.value]


class MembershipStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REFUSED = "refused"


class County(db.Model):
    """A Swedish county (län) with its official two-digit code."""

    __tablename__ = "counties"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    def __repr__(self) -> str:
        return f"<County {self.code} {self.name}>"


class Organisation(TimestampMixin, db.Model):
    """A municipality, authority, supplier or other organisation taking part in the portal."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganisationKind] = enum_column(OrganisationKind, index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    municipality_code: Mapped[str | None] = mapped_column(String(4), unique=True)
    county_code: Mapped[str | None] = mapped_column(ForeignKey("counties.code"), index=True)
    website: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    # Reference organisations are verified at seed time; registered ones by a site admin.
    verified: Mapped[bool] = mapped_column(default=False)
    # Fictional organisations created by `seed --demo` are labelled as example data in the UI.
    is_example: Mapped[bool] = mapped_column(default=False)
    # Municipalities: SCB folkmängd on 31 December of population_year (portal/data/README.md).
    population: Mapped[int | None]
    population_year: Mapped[int | None]

    county: Mapped[County | None] = relationship(lazy="joined")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Membership(TimestampMixin, db.Model):
    """A user's place in an organisation: a role, once an admin has approved the request."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = cascade_fk("users.id")
    organisation_id: Mapped[int] = cascade_fk("organisations.id")
    role: Mapped[Role] = enum_column(Role, default=Role.MEMBER)
    status: Mapped[MembershipStatus] = enum_column(
        MembershipStatus, default=MembershipStatus.PENDING
    )
    message: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
