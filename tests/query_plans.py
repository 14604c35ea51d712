"""Whether the statements a request sends read a table by key or pass over all of it.

Counting statements proves a request's SQL is bounded in number, not in the rows it reads. The
database's own query plan says that: these helpers capture the SELECTs a block sends and ask
SQLite (EXPLAIN QUERY PLAN) or PostgreSQL (EXPLAIN, with scans of whole tables and hash or
merge joins switched off, so that the plan shows whether seeks can answer the statement at all:
on tables this small the planner would rightly scan them) how each reads a table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


def _postgresql_unkeyed(connection, statement, parameters, table, keys, sorted_only):
    with connection.cursor() as cursor:
        for method in ("seqscan", "hashjoin", "mergejoin"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
        (plan,) = cursor.fetchone()[0]
    unkeyed = []

    def walk(node, sorting: bool):
        sorting = sorting or node["Node Type"] in ("Sort", "Incremental Sort")
        if node.get("Relation Name") == table and (sorting or not sorted_only):
            cond = node.get("Index Cond") or node.get("Recheck Cond") or ""
            if not re.search(rf"\b(id|{'|'.join(keys)}) = ", cond):
                unkeyed.append(f"{node['Node Type']} {cond}".strip())
        for child in node.get("Plans", ()):
            walk(child, sorting)

    walk(plan["Plan"], False)
    return unkeyed


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
        explain: Callable = (
            _sqlite_unkeyed if db.engine.dialect.name == "sqlite" else _postgresql_unkeyed
        )
        connection = db.session.connection().connection.driver_connection
        for statement, parameters in statements:
            steps = explain(connection, statement, parameters, table, keys, sorted_only)
            if steps:
                found.append((statement, steps))
        db.session.rollback()
    return found
