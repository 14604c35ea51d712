"""Whether the statements a request sends read a table by key or pass over all of it.

Counting statements proves a request's SQL is bounded in number, not in the rows it reads. The
database's own query plan says that: these helpers capture the SELECTs a block sends and ask
SQLite (EXPLAIN QUERY PLAN) how each reads a table. SQLite keeps no statistics here, so it
plans a statement by its shape, the same way for a few rows as for 100 000: what it reads for
the test's data it reads in production. PostgreSQL plans by its statistics, and for the few
rows of a test it rightly scans whole tables (and picks among indexes differently as its
statistics change), so its plans say nothing about a large portal; on PostgreSQL these checks
skip, and `make bench` measures the cost instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.extensions import db


@contextmanager
def captured_selects(app: Flask) -> Iterator[list[tuple[str, object]]]:
    """The SELECT statements (CTEs included) sent while the block runs, with parameters."""
    sent: list[tuple[str, object]] = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def _sqlite_unkeyed(connection, statement, parameters, table, keys, sorted_only):
    keyed = re.compile(
        rf"SEARCH {table}(_\d+)? USING (INTEGER PRIMARY KEY \(rowid=|(COVERING )?INDEX \w+ "
        rf"\(({'|'.join(keys)})=)"
    )
    steps = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)]
    if sorted_only and not any("TEMP B-TREE FOR ORDER BY" in s for s in steps):
        return []
    reads = [s for s in steps if re.match(rf"(SCAN|SEARCH) {table}(_\d+)?\b", s)]
    return [s for s in reads if not keyed.match(s)]


def unkeyed_reads(
    app: Flask,
    statements: list[tuple[str, object]],
    table: str,
    keys: tuple[str, ...] = (),
    *,
    sorted_only: bool = False,
) -> list[tuple[str, list[str]]]:
    """(statement, steps) for each statement that reads `table` other than by its id or one of
    `keys` (columns an index leads with); with `sorted_only`, only such reads that the
    statement then sorts (a sort over a pass of the whole table, where reading an index in
    order could stop at a page)."""
    found = []
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("query plans are read from SQLite (see tests/query_plans.py)")
        connection = db.session.connection().connection.driver_connection
        for statement, parameters in statements:
            steps = _sqlite_unkeyed(connection, statement, parameters, table, keys, sorted_only)
            if steps:
                found.append((statement, steps))
        db.session.rollback()
    return found
