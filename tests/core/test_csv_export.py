"""CSV downloads open safely in spreadsheets."""

from __future__ import annotations

import csv
import io
from enum import StrEnum

import pytest
from flask_babel import lazy_gettext as _l

from portal.core.csv_export import COMMA, EXCEL_SV, Column, csv_response, labelled, safe_cell


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
            [Column("name", lambda r: r[0]), Column("note", lambda r: r[1])],
            [("Älvdalen", 'says "hej", then\nleaves'), ("=1+1", None)],
            "x.csv",
        )
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="x.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [["name", "note"], ["Älvdalen", 'says "hej", then\nleaves'], ["'=1+1", ""]]


class Colour(StrEnum):
    RED = "red"


COLUMNS = [
    Column("name", lambda r: r[0], _l("Name")),
    Column("share", lambda r: r[1]),
    Column("verified", lambda r: r[2], _l("Verified")),
    Column("colour", lambda r: r[3], _l("Status"), labelled({"red": _l("Published")})),
]
ROWS = [("Åre", 426.4, True, Colour.RED), ("=cmd()", None, False, None)]


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (
            COMMA,
            "name,share,verified,colour\r\nÅre,426.4,true,red\r\n'=cmd(),,false,\r\n",
        ),
        (
            EXCEL_SV,
            "\ufeffNamn;share;Verifierad;Status\r\nÅre;426,4;ja;Publicerad\r\n'=cmd();;nej;\r\n",
        ),
    ],
)
def test_dialects_separator_bom_headers_and_values(app, dialect, expected):
    """comma: the API's machine form; excel-sv: what Swedish Excel opens into columns."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        response = csv_response(COLUMNS, ROWS, "x.csv", dialect)
    assert response.get_data(as_text=True) == expected
    assert response.get_data().startswith(b"\xef\xbb\xbf") == dialect.bom
