"""Account operations: register, authenticate, change password, update profile, and the
login sessions that logging in starts and logging out ends."""

from __future__ import annotations

import contextlib
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from portal.accounts import passwords
from portal.accounts.models import EmailNotifications, LoginSession, User
from portal.core.rules import require_login
from portal.errors import ValidationError
from portal.extensions import db

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024


def _hasher() -> PasswordHasher:
    # argon2id with the library's recommended defaults; tests lower the cost via config.
    return PasswordHasher(
        time_cost=current_app.config.get("ARGON2_TIME_COST", 3),
        memory_cost=current_app.config.get("ARGON2_MEMORY_COST", 65536),
        parallelism=current_app.config.get("ARGON2_PARALLELISM", 4),
    )


def normalise_email(email: str) -> str:
    """Return the form of an address used for storage and lookup."""
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def validate_new_password(password: str, *, email: str, name: str, field: str = "password") -> None:
    """Refuse a password being chosen that is too short or long or easy to guess, saying why.

    The one check behind registration, the password change, `users create` and any API that
    sets a password: on a list of common passwords, containing the person's name or email
    address, one character or a short group repeated, or mostly a keyboard or number run.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _("The password is too short."),
            {field: [_("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)]},
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(_("The password is too long."), {field: [_("Too long.")]})
    reason = _password_weakness(password, email=email, name=name)
    if reason is not None:
        raise ValidationError(_("Choose a password that is harder to guess."), {field: [reason]})


def _password_weakness(password: str, *, email: str, name: str) -> str | None:
    if passwords.is_common(password):
        return _("This is one of the most common passwords; attackers try those first.")
    if passwords.contains_personal(password, email, name):
        return _("The password contains your name or email address.")
    if passwords.is_repetition(password):
        return _("The password is one character or a short group repeated.")
    if passwords.is_run(password):
        return _("The password is a run of keys or digits (like 1234567890 or qwertyuiop).")
    return None


def _required_name(name: str) -> str:
    """The trimmed display name; an empty one is refused."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Name is required."), {"name": [_("This field is required.")]})
    return name


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(email: str, name: str, password: str, *, site_admin: bool = False) -> User:
    """Create an account; the email must not be in use, in any letter case."""
    email = normalise_email(email)
    name = _required_name(name)
    validate_new_password(password, email=email, name=name)
    if get_user_by_email(email) is not None:
        raise ValidationError(
            _("An account with this email address cannot be created."),
            {"email": [_("Choose another email address, or log in.")]},
        )
    user = User(email=email, name=name, password_hash=hash_password(password))
    user.is_site_admin = site_admin
    db.session.add(user)
    db.session.flush()
    return user


def register_if_new(email: str, name: str, password: str) -> User | None:
    """Create an account, or quietly do nothing if the email is taken (answer the same way).

    The registration page must not tell a visitor whether an address has an account. Without
    email sending the portal cannot ask the owner to confirm, so the page gives one answer for
    both cases; the same password hashing work is done either way so timing does not tell.
    """
    name = _required_name(name)
    validate_new_password(password, email=normalise_email(email), name=name)
    if get_user_by_email(email) is not None:
        hash_password(password)
        return None
    return register_user(email, name, password)


def authenticate(email: str, password: str) -> User | None:
    """Return the user whose email and password match, else None (same work either way)."""
    user = get_user_by_email(email)
    hasher = _hasher()
    if user is None or not user.active:
        # Spend the same time as a real check so that timing does not reveal accounts.
        with contextlib.suppress(VerificationError, InvalidHashError):
            hasher.verify(_dummy_hash(), password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


_DUMMY: dict[tuple[int, int, int], str] = {}


def _dummy_hash() -> str:
    hasher = _hasher()
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash("not-a-real-password")
    return _DUMMY[key]


def change_password(
    actor: User | None,
    current_password: str,
    new_password: str,
    *,
    keep_session: str | None = None,
) -> None:
    """Replace the actor's password after checking the current one, and end every other
    login session of the actor (all but the one whose secret is `keep_session`)."""
    actor = require_login(actor)
    try:
        _hasher().verify(actor.password_hash, current_password)
    except (VerificationError, InvalidHashError):
        raise ValidationError(
            _("The current password is wrong."),
            {"current_password": [_("The current password is wrong.")]},
        ) from None
    validate_new_password(new_password, email=actor.email, name=actor.name, field="new_password")
    actor.password_hash = hash_password(new_password)
    end_sessions(actor, keep=keep_session)


def update_profile(
    actor: User | None, name: str | None = None, *, email_notifications: str | None = None
) -> User:
    """Change the actor's display name and how often they are mailed their notifications
    (each only when given)."""
    actor = require_login(actor)
    if name is not None:
        actor.name = _required_name(name)
    if email_notifications is not None:
        try:
            actor.email_notifications = EmailNotifications(email_notifications)
        except ValueError:
            raise ValidationError(
                _("Please correct the marked fields."),
                {"email_notifications": [_("Not a valid choice.")]},
            ) from None
    db.session.flush()
    return actor


def _session_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(user: User, locale: str | None = None) -> str:
    """Record a new login session of `user` (and the language they log in with, for their
    mails); return the secret its session cookie keeps."""
    if locale:
        user.locale = locale
    secret = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, secret_hash=_session_digest(secret)))
    db.session.flush()
    return secret


def session_user(user_id: str, secret: str | None) -> User | None:
    """The active user whose login session has this secret, or None if it has ended."""
    if not secret or not user_id.isdigit():
        return None
    return db.session.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.secret_hash == _session_digest(secret),
            User.id == int(user_id),
            User.active.is_(True),
        )
    )


def end_session(secret: str | None) -> None:
    """End the login session with this secret (logging out), wherever its cookie was copied."""
    if secret:
        db.session.execute(
            delete(LoginSession).where(LoginSession.secret_hash == _session_digest(secret))
        )


def end_sessions(actor: User | None, *, keep: str | None = None) -> None:
    """End every login session of the actor, except the one whose secret is `keep`.

    API tokens are not sessions: they stay valid until they are revoked or expire.
    """
    actor = require_login(actor)
    query = delete(LoginSession).where(LoginSession.user_id == actor.id)
    if keep:
        query = query.where(LoginSession.secret_hash != _session_digest(keep))
    db.session.execute(query)
    db.session.flush()
