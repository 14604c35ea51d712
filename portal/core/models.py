"""Column helpers shared by the models of every feature."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_column(enum_cls: type[enum.Enum], **kwargs):
    """A portable enum column stored as its string value (no native DB enum type)."""
    return mapped_column(
        Enum(
            enum_cls,
            native_enum=False,
            length=32,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        **kwargs,
    )


def cascade_fk(target: str, **kwargs):
    """An indexed reference to the row this one belongs to: deleting that row deletes this one."""
    return mapped_column(ForeignKey(target, ondelete="CASCADE"), index=True, **kwargs)


def set_null_fk(target: str, *, index: bool = True, **kwargs):
    """An optional reference (an author, a linked item) that empties when its row is deleted."""
    return mapped_column(ForeignKey(target, ondelete="SET NULL"), index=index, **kwargs)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
