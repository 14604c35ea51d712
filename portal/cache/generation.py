"""Move the content generation on in the same transaction as any change of public content.

Every INSERT, UPDATE or DELETE this process sends is seen by one engine event; a write to a
table other than the private bookkeeping ones (`NOT_CONTENT`) marks the session whose
transaction sent it. When that session commits, `before_commit` gives the generation row a new
token inside the same transaction, and `after_commit` publishes the token to the shared cache
(portal/cache/shared.py), so every worker and host keys its entries by the new generation from
then on. A rollback forgets the mark with the change it described.

Broader than the search change log on purpose: comments, backings, members and dimensions are
shown on public pages but not all of them are searchable. A needless bump costs a few misses;
a missed one would serve stale pages.
"""

from __future__ import annotations

import logging
import re
import secrets

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from portal.cache.models import GENERATION_ID, ContentGeneration

log = logging.getLogger(__name__)

# The table a data-changing statement writes to (SQLAlchemy quotes some names).
WRITE_STATEMENT = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?',
    re.IGNORECASE,
)
# Tables no public page or API read shows: writing them never invalidates the cache.
NOT_CONTENT = frozenset(
    {
        "content_generation",
        "search_changes",
        "login_sessions",
        "api_tokens",
        "follows",  # what a user follows, and their notifications, are theirs alone
        "notifications",
    }
)
# An update of a user's private settings only (the language a login records, the choice of
# notification mail, and the time of that change): no page shows them to anyone else.
PRIVATE_USER_COLUMNS = frozenset({"locale", "email_notifications", "updated_at"})
USER_UPDATE = re.compile(
    r'^\s*UPDATE\s+"?users"?\s+SET\s+(.*?)\s+WHERE\b', re.IGNORECASE | re.DOTALL
)


def private_user_update(statement: str) -> bool:
    """Whether the statement updates only a user's private settings (any SQL dialect's casts)."""
    match = USER_UPDATE.match(statement)
    columns = re.findall(r'"?(\w+)"?\s*=', match.group(1)) if match else []
    return bool(columns) and set(columns) <= PRIVATE_USER_COLUMNS


_SESSION_INFO = "portal_session_info"  # on a connection: the info of the session using it
_WROTE = "portal_content_written"  # on a session: its transaction wrote content
_PENDING = "portal_generation_token"  # on a session: the token to publish after the commit


def written_table(statement: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE statement writes to, else None."""
    match = WRITE_STATEMENT.match(statement)
    return match.group(1).lower() if match else None


def _after_begin(session: Session, transaction, connection) -> None:
    connection.info[_SESSION_INFO] = session.info


def _note_write(conn, cursor, statement, parameters, context, executemany) -> None:
    table = written_table(statement)
    if table is not None and table not in NOT_CONTENT and not private_user_update(statement):
        owner = conn.info.get(_SESSION_INFO)
        if owner is not None:
            owner[_WROTE] = True


def _forget_owner(conn) -> None:
    conn.info.pop(_SESSION_INFO, None)


def bump(session: Session) -> str:
    """Give the generation row a new token in the session's transaction; return the token."""
    token = secrets.token_hex(16)
    table = ContentGeneration.__table__
    updated = session.execute(
        sa.update(table)
        .where(table.c.id == GENERATION_ID)
        .values(value=table.c.value + 1, token=token)
    )
    if updated.rowcount == 0:  # a database built without the migration's row
        session.execute(sa.insert(table).values(id=GENERATION_ID, value=1, token=token))
    return token


def stored_token(session: Session) -> str | None:
    """The generation token the database holds (what a cache without one starts from)."""
    return session.scalar(
        sa.select(ContentGeneration.token).where(ContentGeneration.id == GENERATION_ID)
    )


def _before_commit(session: Session) -> None:
    # The last flush may write content too: flush now, then look.
    session.flush()
    if session.info.pop(_WROTE, False):
        session.info[_PENDING] = bump(session)


def _after_commit(session: Session) -> None:
    token = session.info.pop(_PENDING, None)
    if token is not None:
        publish(token)


def _after_rollback(session: Session) -> None:
    session.info.pop(_WROTE, None)
    session.info.pop(_PENDING, None)


def publish(token: str) -> None:
    """Tell this app's shared cache the new generation (nothing to do without one)."""
    if not has_app_context():
        return
    shared = current_app.extensions.get("shared_cache")
    if shared is None:
        return
    try:
        shared.publish(token)
    except Exception:
        # The change is committed; entries of the old generation live at most
        # CACHE_DEFAULT_TIMEOUT seconds more (README "Caching": what is not guaranteed).
        log.exception("could not publish the content generation to the shared cache")


def install_listeners() -> None:
    """Listen on every engine and session of the process (idempotent)."""
    if event.contains(Session, "before_commit", _before_commit):
        return
    event.listen(Engine, "before_cursor_execute", _note_write)
    event.listen(Engine, "commit", _forget_owner)
    event.listen(Engine, "rollback", _forget_owner)
    event.listen(Session, "after_begin", _after_begin)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
