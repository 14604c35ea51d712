"""Record search changes in the same transaction as the content change, automatically.

A session listener looks at every flush: for each new, modified or deleted instance of a
model some search source watches, it writes the affected document keys to the change log
(``search_changes``). Service code never has to remember anything, and a rollback drops the
log rows with the change they describe.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.core.models import utcnow
from portal.search import registry
from portal.search.models import SearchChange

PENDING_DELETES = "search_pending_deletes"
# Set when a flush logged changes; the request hook pops it after the commit.
CHANGED_FLAG = "search_changed"


def _changed_columns(session: Session, obj: Any) -> set[str] | None:
    """Names of changed column attributes, or None when the object counts as changed anyway."""
    state = sa.inspect(obj)
    changed = set()
    for attr in state.mapper.column_attrs:
        if state.attrs[attr.key].history.has_changes():
            changed.add(attr.key)
    # Many-to-many collections (tags, standards) change no column of the row itself.
    for rel in state.mapper.relationships:
        if rel.secondary is not None and state.attrs[rel.key].history.has_changes():
            changed.add(rel.key)
    return changed


def _keys_for(session: Session, obj: Any, kind: str) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for source in registry.sources_for(type(obj)):
        if kind == "dirty":
            watched = next(
                (cols for model, cols in source.watched_columns.items() if isinstance(obj, model)),
                None,
            )
            changed = _changed_columns(session, obj)
            if not changed or (watched is not None and not (changed & watched)):
                continue
        elif kind == "new" and any(isinstance(obj, m) for m in source.watched_columns):
            # A new related row (say, a new organisation for the standards source) cannot
            # be shown on an existing document yet: only its later changes matter.
            continue
        for key in source.affected_keys(obj):
            keys.add((source.doc_type, str(key)))
    return keys


def _watched(objs: Iterable[Any]) -> list[Any]:
    return [o for o in objs if registry.sources_for(type(o))]


def _before_flush(session: Session, flush_context, instances) -> None:
    # Deleted rows: map them to documents while related rows still exist in the database.
    deleted = _watched(session.deleted)
    if deleted:
        pending = session.info.setdefault(PENDING_DELETES, set())
        for obj in deleted:
            pending |= _keys_for(session, obj, "deleted")


def _after_flush(session: Session, flush_context) -> None:
    keys: set[tuple[str, str]] = session.info.pop(PENDING_DELETES, set())
    for obj in _watched(session.new):
        keys |= _keys_for(session, obj, "new")
    for obj in _watched(o for o in session.dirty if o not in session.deleted):
        keys |= _keys_for(session, obj, "dirty")
    if keys:
        now = utcnow()
        session.connection().execute(
            sa.insert(SearchChange.__table__),
            [{"doc_type": t, "doc_key": k, "created_at": now} for t, k in sorted(keys)],
        )
        session.info[CHANGED_FLAG] = True


def _after_bulk(orm_execute_state) -> None:
    """ORM bulk UPDATE/DELETE statements bypass the flush: re-check the whole document type."""
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    mapper = orm_execute_state.bind_mapper
    if mapper is None:
        return
    types = {s.doc_type for s in registry.sources_for(mapper.class_)}
    if not types:
        return
    now = utcnow()
    orm_execute_state.session.connection().execute(
        sa.insert(SearchChange.__table__),
        [{"doc_type": t, "doc_key": "*", "created_at": now} for t in sorted(types)],
    )
    orm_execute_state.session.info[CHANGED_FLAG] = True


def install_listeners() -> None:
    """Listen on every SQLAlchemy session (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _after_bulk)
