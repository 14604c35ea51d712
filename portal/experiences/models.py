"""Experiences (lessons learned), their tags and comments."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.attachments.models import Attachment
from portal.core.models import TimestampMixin, cascade_fk, enum_column, set_null_fk
from portal.extensions import db
from portal.orgs.models import Organisation
from portal.plans.models import PlanStep
from portal.standards.models import Standard


class ExperienceStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


experience_tags = Table(
    "experience_tags",
    db.metadata,
    Column("experience_id", ForeignKey("experiences.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)

experience_standards = Table(
    "experience_standards",
    db.metadata,
    Column("experience_id", ForeignKey("experiences.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "standard_id", ForeignKey("standards.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Tag(db.Model):
    """A free keyword on experiences, stored lower-case so that filtering is exact."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.name}>"


class Experience(TimestampMixin, db.Model):
    """A lesson learned, written by a member on behalf of their organisation."""

    __tablename__ = "experiences"
    __table_args__ = (Index("ix_experiences_published_at_id", "published_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = cascade_fk("organisations.id")
    author_id: Mapped[int | None] = set_null_fk("users.id")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[ExperienceStatus] = enum_column(
        ExperienceStatus, default=ExperienceStatus.DRAFT, index=True
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # The step of one of the organisation's public plans that the lesson comes from (optional).
    plan_step_id: Mapped[int | None] = set_null_fk("plan_steps.id")

    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User | None] = relationship()
    plan_step: Mapped[PlanStep | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=experience_tags, order_by=Tag.name)
    standards: Mapped[list[Standard]] = relationship(
        secondary=experience_standards, order_by=Standard.name
    )
    # Files on the experience; they follow its visibility.
    attachments: Mapped[list[Attachment]] = relationship(
        cascade="all, delete-orphan", order_by=Attachment.id
    )
    comments: Mapped[list[ExperienceComment]] = relationship(
        back_populates="experience",
        cascade="all, delete-orphan",
        order_by="ExperienceComment.created_at, ExperienceComment.id",
    )

    @property
    def is_published(self) -> bool:
        return self.status == ExperienceStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Experience {self.id} {self.title!r}>"


class ExperienceComment(TimestampMixin, db.Model):
    """A comment on an experience; removed comments keep their place but not their text."""

    __tablename__ = "experience_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = cascade_fk("experiences.id")
    author_id: Mapped[int | None] = set_null_fk("users.id")
    body: Mapped[str] = mapped_column(Text)
    removed: Mapped[bool] = mapped_column(default=False)
    removed_by_id: Mapped[int | None] = set_null_fk("users.id", index=False)

    experience: Mapped[Experience] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
