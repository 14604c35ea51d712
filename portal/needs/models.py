"""Adaptation needs toward standards, backings by other organisations, and supplier answers."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import TimestampMixin, cascade_fk, enum_column, set_null_fk, utcnow
from portal.extensions import db
from portal.orgs.models import Organisation
from portal.standards.models import Standard


class NeedStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_active(self) -> bool:
        """Open and answered needs still wait for a solution."""
        return self in (NeedStatus.OPEN, NeedStatus.ANSWERED)


class ProductArea(enum.StrEnum):
    CASE_HANDLING = "case_handling"
    GIS = "gis"
    E_SERVICES = "e_services"
    ARCHIVE = "archive"
    DETAILED_PLAN = "detailed_plan"
    BIM_3D = "bim_3d"
    OTHER = "other"


class SupportStatus(enum.StrEnum):
    SUPPORTED = "supported"
    PLANNED = "planned"
    UNDER_CONSIDERATION = "under_consideration"
    NOT_PLANNED = "not_planned"


class AdaptationNeed(TimestampMixin, db.Model):
    """What a municipality or authority needs from standards and systems."""

    __tablename__ = "adaptation_needs"
    __table_args__ = (Index("ix_adaptation_needs_created_at_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = cascade_fk("organisations.id")
    author_id: Mapped[int | None] = set_null_fk("users.id")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    standard_id: Mapped[int | None] = set_null_fk("standards.id")
    product_area: Mapped[ProductArea] = enum_column(
        ProductArea, default=ProductArea.OTHER, index=True
    )
    desired_by: Mapped[date | None] = mapped_column(Date)
    status: Mapped[NeedStatus] = enum_column(NeedStatus, default=NeedStatus.OPEN, index=True)

    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User | None] = relationship()
    standard: Mapped[Standard | None] = relationship()
    backings: Mapped[list[NeedBacking]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="NeedBacking.created_at"
    )
    answers: Mapped[list[SupplierAnswer]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="SupplierAnswer.created_at"
    )

    def __repr__(self) -> str:
        return f"<AdaptationNeed {self.id} {self.title!r}>"


class NeedBacking(db.Model):
    """An organisation saying "we need this too"; one per organisation and need."""

    __tablename__ = "need_backings"
    __table_args__ = (UniqueConstraint("need_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = cascade_fk("adaptation_needs.id")
    organisation_id: Mapped[int] = cascade_fk("organisations.id")
    backed_by_id: Mapped[int | None] = set_null_fk("users.id", index=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    need: Mapped[AdaptationNeed] = relationship(back_populates="backings")
    organisation: Mapped[Organisation] = relationship()
    backed_by: Mapped[User | None] = relationship()


class SupplierAnswer(TimestampMixin, db.Model):
    """A supplier's current answer to a need; earlier versions are kept as versions."""

    __tablename__ = "supplier_answers"
    __table_args__ = (UniqueConstraint("need_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = cascade_fk("adaptation_needs.id")
    organisation_id: Mapped[int] = cascade_fk("organisations.id")
    author_id: Mapped[int | None] = set_null_fk("users.id", index=False)
    product: Mapped[str] = mapped_column(String(200))
    support_status: Mapped[SupportStatus] = enum_column(SupportStatus, index=True)
    available_from: Mapped[date | None] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text, default="")
    accepted: Mapped[bool] = mapped_column(default=False)

    need: Mapped[AdaptationNeed] = relationship(back_populates="answers")
    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User | None] = relationship()
    versions: Mapped[list[SupplierAnswerVersion]] = relationship(
        back_populates="answer",
        cascade="all, delete-orphan",
        order_by="SupplierAnswerVersion.number.desc()",
    )


class SupplierAnswerVersion(db.Model):
    """An earlier version of a supplier answer, as it stood before an edit; never changed."""

    __tablename__ = "supplier_answer_versions"
    __table_args__ = (UniqueConstraint("answer_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = cascade_fk("supplier_answers.id")
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = set_null_fk("users.id", index=False)
    product: Mapped[str] = mapped_column(String(200))
    support_status: Mapped[SupportStatus] = enum_column(SupportStatus)
    available_from: Mapped[date | None] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text, default="")
    # When this version was written (the answer's updated_at at the time).
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    answer: Mapped[SupplierAnswer] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()


@event.listens_for(SupplierAnswerVersion, "before_update")
def _versions_are_immutable(mapper, connection, target) -> None:  # noqa: ARG001
    raise RuntimeError("supplier answer versions are immutable")


# Counted in SQL so that lists can sort and show them without loading the rows.
AdaptationNeed.backing_count = column_property(
    select(func.count(NeedBacking.id))
    .where(NeedBacking.need_id == AdaptationNeed.id)
    .correlate_except(NeedBacking)
    .scalar_subquery()
)
AdaptationNeed.answer_count = column_property(
    select(func.count(SupplierAnswer.id))
    .where(SupplierAnswer.need_id == AdaptationNeed.id)
    .correlate_except(SupplierAnswer)
    .scalar_subquery()
)
