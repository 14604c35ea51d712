"""Create, list, revoke and check personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.core.rules import raise_field_errors, require_login, require_text
from portal.errors import NotFound
from portal.extensions import db
from portal.tokens.models import ApiToken, TokenScope, as_utc

# Recognisable in logs and by secret scanners; the rest is 256 bits of randomness.
SECRET_PREFIX = "ptk_"  # noqa: S105 - a public marker, not a secret
DISPLAY_PREFIX_LENGTH = 12
MAX_NAME_LENGTH = 100
MAX_EXPIRY_DAYS = 3650
MAX_ACTIVE_TOKENS = 50
# last_used_at is a write; once a minute per token is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """Return the stored form of a token secret (sha256 suffices for a 256-bit random secret)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _active_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
        or 0
    )


def create_token(
    actor: User | None,
    *,
    name: str,
    write: bool = False,
    expires_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for the actor; return it with its secret, which is never shown again."""
    actor = require_login(actor)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    require_text(errors, "name", name)
    if len(name) > MAX_NAME_LENGTH:
        errors["name"] = [_("Use at most %(n)d characters.", n=MAX_NAME_LENGTH)]
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        errors["expires_days"] = [
            _("Choose between 1 and %(n)d days.", n=MAX_EXPIRY_DAYS),
        ]
    if not errors and _active_count(actor) >= MAX_ACTIVE_TOKENS:
        errors["name"] = [_("You have too many tokens. Revoke some first.")]
    raise_field_errors(errors)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        name=name,
        token_hash=hash_secret(secret),
        prefix=secret[:DISPLAY_PREFIX_LENGTH],
        scope=TokenScope.WRITE if write else TokenScope.READ,
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
        created_at=utcnow(),
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def list_tokens(actor: User | None) -> list[ApiToken]:
    """Return the actor's tokens, newest first (revoked ones too, for the record)."""
    actor = require_login(actor)
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == actor.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def get_token(actor: User | None, token_id: int) -> ApiToken:
    """Return one of the actor's tokens; other users' tokens do not exist for them."""
    actor = require_login(actor)
    # Ids beyond the column's range cannot exist (and would overflow the database driver).
    token = db.session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if token is None or token.user_id != actor.id:
        raise NotFound(_("No such token."))
    return token


def revoke_token(actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's tokens; revoking twice changes nothing."""
    if actor is None or token.user_id != actor.id:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def authenticate_token(secret: str) -> ApiToken | None:
    """Return the usable token with this secret (noting its use), or None."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    now = utcnow()
    if token is None or not token.is_usable(now):
        return None
    last_used = as_utc(token.last_used_at)
    if last_used is None or now - last_used >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.flush()
    return token
