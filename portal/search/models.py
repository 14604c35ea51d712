"""The search change log: which documents to re-index, written in the content's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import utcnow
from portal.extensions import db


class SearchChange(db.Model):
    """One document whose search entry may be out of date (an append-only log, pruned by age).

    Every host applies the log to its own index and remembers how far it got, so rows are never
    deleted on apply: another host may still need them.
    """

    __tablename__ = "search_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    doc_type: Mapped[str] = mapped_column(String(40))
    # A document key, or "*" for "re-check every document of this type" (bulk statements).
    doc_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )

    def __repr__(self) -> str:
        return f"<SearchChange {self.id} {self.doc_type}:{self.doc_key}>"
