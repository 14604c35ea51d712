"""Whether the statements a request sends read a table by key or pass over all of it.

Counting statements proves a request's SQL is bounded in number, not in the rows it reads. A
query plan says that. These helpers capture the SELECTs the ORM runs while a block runs, on
whichever database the suite uses, and ask SQLite (EXPLAIN QUERY PLAN) how each would read a
table, in an empty in-memory database with the models' schema and indexes. SQLite keeps no
statistics there, so it plans a statement by its shape alone, the same way for a few rows as
for 100 000: what the statement reads for the test it reads in production. (PostgreSQL plans by
its statistics, and for a test's few rows it rightly scans whole tables, so its own plans would
say nothing about a large portal; `make bench` measures the cost there.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import ORMExecuteState, Session

from portal.extensions import db

_SQLITE = sqlite.dialect()


@contextmanager
def captured_selects(app: Flask) -> Iterator[list[tuple[str, int]]]:
    """The SELECTs (CTEs included) the ORM runs while the block runs, as SQLite would run
    them: the SQL and its number of parameters."""
    sent: list[tuple[str, int]] = []

    def on_execute(state: ORMExecuteState) -> None:
        if state.is_select:
            statement = state.statement
            if isinstance(state.parameters, dict) and state.parameters:
                statement = statement.params(state.parameters)  # IN lists need their values
            compiled = statement.compile(
                dialect=_SQLITE, compile_kwargs={"render_postcompile": True}
            )
            sent.append((str(compiled), len(compiled.positiontup or ())))

    sa.event.listen(Session, "do_orm_execute", on_execute)
    try:
        yield sent
    finally:
        sa.event.remove(Session, "do_orm_execute", on_execute)


@contextmanager
def _empty_schema() -> Iterator[sa.Connection]:
    """An in-memory SQLite database with the models' tables and indexes and no rows."""
    engine = sa.create_engine("sqlite://")
    try:
        with engine.connect() as connection:
            db.metadata.create_all(connection)
            yield connection
    finally:
        engine.dispose()


def _unkeyed(connection, statement: str, parameters: int, table, keys, sorted_only) -> list[str]:
    keyed = re.compile(
        rf"SEARCH {table}(_\d+)? USING (INTEGER PRIMARY KEY \(rowid=|(COVERING )?INDEX \w+ "
        rf"\(({'|'.join(keys)})=)"
    )
    # A plan does not depend on the values bound (SQLite has no statistics to weigh them).
    cursor = connection.connection.driver_connection.execute(
        f"EXPLAIN QUERY PLAN {statement}", [None] * parameters
    )
    steps = [row[3] for row in cursor]
    if sorted_only and not any("TEMP B-TREE FOR ORDER BY" in s for s in steps):
        return []
    reads = [s for s in steps if re.match(rf"(SCAN|SEARCH) {table}(_\d+)?\b", s)]
    return [s for s in reads if not keyed.match(s)]


def unkeyed_reads(
    statements: list[tuple[str, int]],
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
    with _empty_schema() as connection:
        for statement, parameters in statements:
            steps = _unkeyed(connection, statement, parameters, table, keys, sorted_only)
            if steps:
                found.append((statement, steps))
    return found
