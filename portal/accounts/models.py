"""The user account."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, cascade_fk, enum_column, utcnow
from portal.extensions import db

if TYPE_CHECKING:
    from portal.orgs.models import Membership


class EmailNotifications(enum.StrEnum):
    """How often a user is mailed their notifications."""

    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"
    NEVER = "never"


class User(UserMixin, TimestampMixin, db.Model):
    """A person with an account; belongs to organisations through memberships."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint holds regardless of case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    email_notifications: Mapped[EmailNotifications] = enum_column(
        EmailNotifications, default=EmailNotifications.DAILY, server_default="daily"
    )
    # The language the user last read the portal in (logging in, switching language); their
    # notification mails are written in it. None: the portal's default (Swedish).
    locale: Mapped[str | None] = mapped_column(String(5))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class LoginSession(db.Model):
    """One logged-in browser of a user. The session cookie holds a secret whose hash is kept
    here; a cookie whose row is gone no longer logs anybody in, which is how logout, a
    password change and "log out everywhere" end sessions that were copied or left open."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = cascade_fk("users.id")
    # sha256 hex digest of the secret in the cookie; the secret itself is never stored.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
