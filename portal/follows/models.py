"""A user following something on the portal."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import cascade_fk, enum_column, utcnow
from portal.extensions import db


class FollowTarget(enum.StrEnum):
    ORGANIZATION = "organization"
    STANDARD = "standard"
    NEED = "need"
    PLAN = "plan"
    TAG = "tag"


class Follow(db.Model):
    """One thing a user follows. ``target_key`` is normalised: the id (as a string) of an
    organisation, standard, need or plan; a tag's lower-case name."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "target_type", "target_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = cascade_fk("users.id")
    target_type: Mapped[FollowTarget] = enum_column(FollowTarget)
    target_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<Follow {self.user_id} {self.target_type}:{self.target_key}>"
