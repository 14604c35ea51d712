"""CSV responses that open safely in spreadsheets, in two dialects.

- `comma` (the API's documented default): UTF-8 without BOM, comma-separated, the columns'
  machine names as headers and machine values (`published`, `426.4`, `true`).
- `excel-sv` (what the pages offer in Swedish; the API on `?dialect=excel-sv`): UTF-8 with a
  BOM and semicolon-separated, which is what Swedish Excel opens into columns with å, ä and ö
  intact; Swedish headers, Swedish labels for coded values and decimal commas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, NamedTuple, TypeVar

from babel.numbers import format_decimal
from flask import Response
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

Row = TypeVar("Row")


class Column(NamedTuple, Generic[Row]):
    """One CSV column: its machine name, how to read its value from a row, and, for the
    readers' dialect, its translatable label and how a coded value reads (e.g. a status)."""

    header: str
    value: Callable[[Row], Any]
    label: Any = None
    text: Callable[[Any], Any] | None = None


# How a resource is written as CSV, one Column per column. Each feature keeps its resource's
# columns in one place (portal/<feature>/export.py), which every download of that resource,
# page or API, passes to `csv_response`.
Columns = list[Column[Row]]


def labelled(labels: Mapping[Any, Any]) -> Callable[[Any], Any]:
    """A Column's `text`: a coded value's label from `labels` (keyed by the code or its enum)."""
    return lambda v: labels.get(v) or labels.get(getattr(v, "value", v)) or v


@dataclass(frozen=True)
class CsvDialect:
    name: str
    delimiter: str
    bom: bool
    # None: machine headers and values; else the language of headers, labels and numbers.
    locale: str | None


COMMA = CsvDialect("comma", ",", bom=False, locale=None)
EXCEL_SV = CsvDialect("excel-sv", ";", bom=True, locale="sv")
DIALECTS = {d.name: d for d in (COMMA, EXCEL_SV)}


def page_dialect() -> CsvDialect:
    """The dialect of a download offered from a page: Swedish Excel's in the Swedish UI."""
    return EXCEL_SV if str(get_locale() or "") == "sv" else COMMA


def dialect_named(name: str | None) -> CsvDialect:
    return DIALECTS.get(name or "", COMMA)


# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Render one value as text, defusing spreadsheet formulas (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(getattr(value, "value", value))
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def reader_cell(value: Any, column: Column, locale: str) -> str:
    """Render one value for a reader in `locale`: labels for codes, yes/no, decimal commas."""
    if value is None:
        return ""
    if column.text is not None:
        value = column.text(value)
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float | Decimal):
        # No grouping: Excel reads "1234,5" as a number, not "1 234,5".
        return format_decimal(value, format="0.##########", locale=locale)
    if isinstance(value, int | date):
        return str(value)
    return safe_cell(str(value))


def csv_response(
    columns: Sequence[Column],
    rows: Iterable[Any],
    filename: str,
    dialect: CsvDialect = COMMA,
) -> Response:
    """Answer `rows` as a CSV download in `dialect`, one column per Column."""
    buffer = io.StringIO()
    if dialect.bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")
    if dialect.locale is None:
        writer.writerow([column.header for column in columns])
        for row in rows:
            writer.writerow([safe_cell(column.value(row)) for column in columns])
    else:
        with force_locale(dialect.locale):
            writer.writerow([str(column.label or column.header) for column in columns])
            for row in rows:
                writer.writerow(
                    [reader_cell(column.value(row), column, dialect.locale) for column in columns]
                )
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
