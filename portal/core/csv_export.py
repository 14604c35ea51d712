"""CSV responses that open safely in spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from flask import Response

Row = TypeVar("Row")

# How a resource is written as CSV: (header, getter) pairs, one per column. Each feature keeps
# its resource's columns in one place (portal/<feature>/export.py), which every download of that
# resource, page or API, passes to `csv_response`.
Columns = list[tuple[str, Callable[[Row], Any]]]

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


def csv_response(
    columns: Sequence[tuple[str, Callable[[Any], Any]]],
    rows: Iterable[Any],
    filename: str,
) -> Response:
    """Answer `rows` as a UTF-8 CSV download, one column per (header, getter) pair."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for header, _ in columns])
    for row in rows:
        writer.writerow([safe_cell(getter(row)) for _, getter in columns])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
