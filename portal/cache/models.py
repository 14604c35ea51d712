"""The content generation: one row that every commit changing public content moves on."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

# The one row's id and the token it holds before any change (the migration inserts it).
GENERATION_ID = 1
INITIAL_TOKEN = "0"  # noqa: S105 (a generation, not a secret)


class ContentGeneration(db.Model):
    """Which state of the public content the shared cache may serve.

    Bumped in the same transaction as any change of content (portal/cache/generation.py):
    `value` counts the changes, `token` is new and random each time, so a token is never
    current twice (a restored database, whose counter goes back, cannot revive old entries).
    """

    __tablename__ = "content_generation"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    token: Mapped[str] = mapped_column(String(32), default=INITIAL_TOKEN)
