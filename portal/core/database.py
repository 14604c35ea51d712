"""Concurrent writes decided by the database: row locks, and SQLite transactions that take
the write lock when they begin.

A decision that reads a row and then changes it ("is this plan still a draft? then publish
it") must hold the row while it decides, or two requests decide the same thing twice. On
PostgreSQL `lock_for_update` reads the row again with `SELECT ... FOR UPDATE`: a second
request waits for the first to commit and then sees its result. SQLite has no row locks; there
every transaction of a state-changing request starts with `BEGIN IMMEDIATE`, which takes the
database's one write lock at once (waiting up to the driver's timeout), so such requests run
one after the other and each sees what the one before committed. Everything else keeps the
sqlite3 module's own transactions (BEGIN before the first write), so reads hold no lock and
run alongside. What a lock cannot cover (two inserts of the same pair) a unique constraint
does; its violation is answered as 409 (portal/errors.py).
"""

from __future__ import annotations

from flask import Flask, has_request_context, request
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from portal.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def lock_for_update(obj: object, *attributes: str) -> None:
    """Lock `obj`'s row until the transaction ends and read `attributes` of it afresh."""
    db.session.refresh(obj, list(attributes) or None, with_for_update=True)


def lock_row(model: type, row_id: int) -> None:
    """Lock the row of `model` with this id until the transaction ends (a parent row whose
    lock serialises decisions about its children, e.g. an organisation's current plan)."""
    db.session.execute(select(model.id).where(model.id == row_id).with_for_update())


def hold_name(name: str) -> None:
    """Hold a lock named `name` until the transaction ends (PostgreSQL: an advisory lock; on
    SQLite a writing request already holds the database's write lock)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(name))))


def _writing() -> bool:
    return has_request_context() and request.method not in SAFE_METHODS


def _serialise_sqlite_writes(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        sqlite = connection.connection.driver_connection
        if _writing():
            # SQLAlchemy's documented recipe: the sqlite3 module begins nothing itself, so
            # that the transaction can begin IMMEDIATE.
            sqlite.isolation_level = None
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            # The sqlite3 module's own way (BEGIN before the first write): reads take no lock
            # beyond each statement, so they never hold up a writer's commit.
            sqlite.isolation_level = ""


def init_database(app: Flask) -> None:
    """Make SQLite serialise state-changing requests (PostgreSQL uses row locks)."""
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite":
            _serialise_sqlite_writes(engine)
