"""CSV downloads open safely in spreadsheets."""

from __future__ import annotations

import csv
import io

import pytest

from portal.core.csv_export import csv_response, safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+46 8 123", "'+46 8 123"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("Gotland", "Gotland"),
        ("a=b", "a=b"),
        (None, ""),
        (True, "true"),
        (42, "42"),
    ],
)
def test_safe_cell_defuses_formulas(value, expected):
    assert safe_cell(value) == expected


def test_csv_response_has_header_row_utf8_and_quoting(app):
    with app.test_request_context():
        response = csv_response(
            [("name", lambda r: r[0]), ("note", lambda r: r[1])],
            [("Älvdalen", 'says "hej", then\nleaves'), ("=1+1", None)],
            "x.csv",
        )
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="x.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [["name", "note"], ["Älvdalen", 'says "hej", then\nleaves'], ["'=1+1", ""]]
