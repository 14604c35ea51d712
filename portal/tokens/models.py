"""A personal API token, of which only a hash is stored."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import cascade_fk, enum_column, utcnow
from portal.extensions import db


class TokenScope(enum.StrEnum):
    READ = "read"
    # Read and write: everything the user may do in the browser.
    WRITE = "write"


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


class ApiToken(db.Model):
    """A named bearer token acting as its user, with a scope and an optional expiry."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = cascade_fk("users.id")
    name: Mapped[str] = mapped_column(String(100))
    # sha256 hex digest of the secret; the secret itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret, so that a user can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[TokenScope] = enum_column(TokenScope, default=TokenScope.READ)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE

    def is_expired(self, now: datetime | None = None) -> bool:
        expires_at = as_utc(self.expires_at)
        return expires_at is not None and expires_at <= (now or utcnow())

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and not self.is_expired(now) and self.user.active

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… of user {self.user_id}>"
