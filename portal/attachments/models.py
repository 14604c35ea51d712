"""An attached file: its metadata in `attachments`, its bytes in a deferred column of the same
row (so lists and pages never load them) and the text extracted from it for search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from portal.core.models import cascade_fk, set_null_fk, utcnow
from portal.extensions import db


class Attachment(db.Model):
    """A file attached to exactly one plan or one experience (it follows their visibility)."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("(plan_id IS NULL) <> (experience_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = cascade_fk("plans.id", nullable=True)
    experience_id: Mapped[int | None] = cascade_fk("experiences.id", nullable=True)
    # The name the uploader's file had (shown and offered on download), cleaned of paths.
    filename: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(200))
    # Decided from the content, never from the name or the client's header.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = set_null_fk("users.id")
    # Text found in a PDF or document (bounded), indexed with the plan or experience.
    text: Mapped[str | None] = deferred(mapped_column(Text))
    # The bytes, when the database is the storage (portal/attachments/storage.py).
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    @property
    def display_name(self) -> str:
        return self.title or self.filename

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.filename!r}>"
