"""Export and import ALL content as JSON, generically over the metadata's tables.

`flask --app wsgi export FILE` writes every table (in dependency order, rows by primary key,
values in one stable text form); `flask --app wsgi import FILE` loads such a file into an empty,
migrated database. Export -> import -> export gives the byte-identical file. Tables added by
any feature are included without changes here; list a table in EXCLUDED_TABLES only if its
rows must not move between installations (for example a queue of pending index changes).
"""

from __future__ import annotations

import base64
import enum
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext

from portal.extensions import db

FORMAT = "portal-export"
VERSION = 1

# Tables whose rows are derived or local to one installation; never exported or imported.
# (content_generation keys this installation's shared cache; an import moves it on.)
EXCLUDED_TABLES: set[str] = {
    "search_changes",
    "search_change_log",
    "login_sessions",
    "content_generation",
}


class TransferError(click.ClickException):
    """The file or the target database is not fit for an import."""


def exported_tables() -> list[sa.Table]:
    """The tables that hold content, parents before children."""
    return [t for t in db.metadata.sorted_tables if t.name not in EXCLUDED_TABLES]


def _order_by(table: sa.Table) -> list[sa.ColumnElement]:
    columns = list(table.primary_key.columns) or list(table.columns)
    return [c.asc() for c in columns]


def _dump_value(column: sa.Column, value: Any) -> Any:
    """Turn a value read from the database into its one stable JSON form."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        if getattr(column.type, "timezone", False):
            # SQLite hands back naive values for aware columns; the portal writes UTC.
            aware = value if value.tzinfo else value.replace(tzinfo=UTC)
            return aware.astimezone(UTC).isoformat()
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict | list):
        return value  # JSON columns: dumped with sorted keys below
    return str(value)  # UUID and anything else with a canonical text form


def _load_value(column: sa.Column, value: Any) -> Any:
    """Turn a JSON value back into what the column's type expects."""
    if value is None:
        return None
    column_type = column.type
    enum_class = getattr(column_type, "enum_class", None)
    if enum_class is not None:
        return enum_class(value)
    if isinstance(column_type, sa.DateTime):
        parsed = datetime.fromisoformat(value)
        return parsed if column_type.timezone else parsed.replace(tzinfo=None)
    if isinstance(column_type, sa.Date):
        return date.fromisoformat(value)
    if isinstance(column_type, sa.Time):
        return time.fromisoformat(value)
    if isinstance(column_type, sa.Numeric) and not isinstance(column_type, sa.Float):
        return Decimal(value)
    if isinstance(column_type, sa.LargeBinary):
        return base64.b64decode(value)
    if isinstance(column_type, sa.Uuid) and isinstance(value, str):
        import uuid

        return uuid.UUID(value) if column_type.as_uuid else value
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def export_lines() -> Iterable[str]:
    """Yield the export file, one table header or row per line."""
    yield "{" + f'"format":{_dumps(FORMAT)},"version":{VERSION},"tables":['
    tables = exported_tables()
    connection = db.session.connection()
    for index, table in enumerate(tables):
        columns = list(table.columns)
        header = _dumps(table.name), _dumps([c.name for c in columns])
        yield '{{"name":{},"columns":{},"rows":['.format(*header)
        result = connection.execute(sa.select(*columns).order_by(*_order_by(table)))
        first = True
        for row in result:
            values = [_dump_value(c, v) for c, v in zip(columns, row, strict=True)]
            yield ("" if first else ",") + _dumps(values)
            first = False
        yield "]}" + ("," if index < len(tables) - 1 else "")
    yield "]}"


def export_to(path: Path) -> None:
    """Write all content to `path` (UTF-8 JSON)."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for line in export_lines():
            out.write(line + "\n")


def _fix_sequences(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """On PostgreSQL, move each serial/identity sequence past the imported ids."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        highest = sa.select(sa.func.max(pk[0])).scalar_subquery()
        sequence = sa.func.pg_get_serial_sequence(f'"{table.name}"', pk[0].name)
        connection.execute(
            sa.select(sa.func.setval(sequence, sa.func.coalesce(highest, 0) + 1, False))
        )


def import_from(path: Path) -> dict[str, int]:
    """Load a file written by export_to into an empty database; return rows per table."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TransferError(f"cannot read {path}: {error}") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TransferError(f"{path} is not a portal export")
    if data.get("version") != VERSION:
        raise TransferError(f"{path} has export version {data.get('version')}, not {VERSION}")
    by_name = {t["name"]: t for t in data["tables"]}
    tables = exported_tables()
    unknown = sorted(set(by_name) - {t.name for t in tables})
    if unknown:
        raise TransferError(f"the file has tables this portal does not know: {unknown}")
    connection = db.session.connection()
    not_empty = [
        t.name
        for t in tables
        if connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
    ]
    if not_empty:
        raise TransferError(
            "the database is not empty (tables with rows: "
            + ", ".join(not_empty)
            + "); import into a freshly migrated database without `seed`"
        )
    counts: dict[str, int] = {}
    for table in tables:
        entry = by_name.get(table.name)
        if entry is None:
            counts[table.name] = 0
            continue
        columns = [table.c[name] for name in entry["columns"] if name in table.c]
        missing = [name for name in entry["columns"] if name not in table.c]
        if missing:
            raise TransferError(f"{table.name}: unknown columns {missing}")
        rows = [
            {c.name: _load_value(c, v) for c, v in zip(columns, row, strict=True)}
            for row in entry["rows"]
        ]
        for start in range(0, len(rows), 1000):
            connection.execute(table.insert(), rows[start : start + 1000])
        counts[table.name] = len(rows)
    _fix_sequences(connection, tables)
    return counts


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(file: Path) -> None:
    """Write all content of the database to FILE as JSON."""
    export_to(file)
    db.session.rollback()
    click.echo(f"exported {len(exported_tables())} tables to {file}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Load FILE (written by `export`) into an empty, migrated database."""
    try:
        counts = import_from(file)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    click.echo(f"imported {sum(counts.values())} rows into {len(counts)} tables")


def init_transfer(app: Flask) -> None:
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
