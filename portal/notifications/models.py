"""A notification: one user told of one event, read or not, mailed or not."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import enum_column, set_null_fk, utcnow
from portal.extensions import db
from portal.orgs.models import Organisation


class NotificationKind(enum.StrEnum):
    PLAN_PUBLISHED = "plan_published"
    PLAN_NEW_VERSION = "plan_new_version"
    NEED_ABOUT_STANDARD = "need_about_standard"
    EXPERIENCE_ABOUT_STANDARD = "experience_about_standard"
    EXPERIENCE_TAGGED = "experience_tagged"
    PLAN_STEP_ABOUT_STANDARD = "plan_step_about_standard"
    NEED_ANSWERED = "need_answered"
    NEED_BACKED = "need_backed"
    NEED_STATUS_CHANGED = "need_status_changed"
    NEED_ANSWER_ACCEPTED = "need_answer_accepted"
    EXPERIENCE_COMMENTED = "experience_commented"
    MEMBERSHIP_REQUESTED = "membership_requested"
    MEMBERSHIP_DECIDED = "membership_decided"


class SubjectType(enum.StrEnum):
    PLAN = "plan"
    NEED = "need"
    EXPERIENCE = "experience"
    ORGANIZATION = "organization"
    MEMBERSHIP = "membership"


class Notification(db.Model):
    """One user told of one event about a subject (a plan, need, experience, organisation or
    membership). The text is not stored: it is written from the subject when shown, in the
    reader's language, and a subject the reader may no longer see hides the notification."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The same event never notifies the same user twice.
        UniqueConstraint("user_id", "dedupe_key"),
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = enum_column(NotificationKind)
    subject_type: Mapped[SubjectType] = enum_column(SubjectType)
    subject_id: Mapped[int] = mapped_column(Integer)
    actor_organisation_id: Mapped[int | None] = set_null_fk("organisations.id", index=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when an immediate mail or a digest containing it was sent (in the same transaction).
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dedupe_key: Mapped[str] = mapped_column(String(200))

    actor_organisation: Mapped[Organisation | None] = relationship()

    @property
    def read(self) -> bool:
        return self.read_at is not None

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} {self.subject_type}:{self.subject_id}>"
