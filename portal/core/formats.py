"""Numbers, amounts and dates written the way the reader's language writes them (Babel's data).

Swedish: "26 000 000 kr", "426,4 kr", "2,5", "12 mars 2024", "1,2 MB"; English: "SEK 26,000,000",
"SEK 426.4", "2.5", "Mar 12, 2024", "1.2 MB". Every space inside a number and between a number
and its currency or unit is a non-breaking space, so an amount never breaks across lines.
Templates use these through the filters `number`, `sek`, `dateformat`, `datetimeformat` and
`filesize` (portal/core/templating.py).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.numbers import get_currency_symbol
from flask_babel import format_date, format_datetime, format_decimal, get_locale

NBSP = "\u00a0"
MISSING = "–"
CURRENCY = "SEK"

Number = int | float | Decimal


def _pattern(digits: int, *, fixed: bool) -> str:
    if not digits:
        return "#,##0"
    return "#,##0." + ("0" if fixed else "#") * digits


def _nbsp(text: str) -> str:
    # CLDR groups Swedish thousands with a (narrow) no-break space already; make sure no
    # ordinary space remains either, whatever the locale data.
    return text.replace(" ", NBSP).replace("\u202f", NBSP)


def format_number(value: Number | None, digits: int = 0) -> str:
    """`value` with the locale's grouping and decimal sign, `digits` decimals always shown."""
    if value is None:
        return MISSING
    return _nbsp(format_decimal(value, format=_pattern(digits, fixed=True)))


def format_sek(value: Number | None, digits: int = 0) -> str:
    """An amount in Swedish kronor, with up to `digits` decimals and the locale's currency
    sign on the locale's side: "426,4 kr" in Swedish, "SEK 426.4" in English."""
    if value is None:
        return MISSING
    locale = get_locale()
    number = _nbsp(format_decimal(value, format=_pattern(digits, fixed=False)))
    symbol = get_currency_symbol(CURRENCY, locale=locale)
    if locale is not None and locale.currency_formats["standard"].pattern.startswith("¤"):
        return f"{symbol}{NBSP}{number}"
    return f"{number}{NBSP}{symbol}"


def format_file_size(size: int | None) -> str:
    """A file's size as people read it: "512 B", "34 kB", "1,2 MB" (binary multiples)."""
    if size is None:
        return MISSING
    if size < 1024:
        return f"{format_number(size)}{NBSP}B"
    if size < 1024 * 1024:
        return f"{format_number(round(size / 1024))}{NBSP}kB"
    megabytes = format_decimal(size / (1024 * 1024), format=_pattern(1, fixed=False))
    return f"{_nbsp(megabytes)}{NBSP}MB"


def format_day(value: date | datetime | str | None, format: str = "medium") -> str:
    """A date (or a timestamp's day in the portal's time zone, or an ISO date as a published
    revision stores it) in the locale's style."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return _nbsp(format_date(value, format))


def format_moment(value: datetime | None, format: str = "short") -> str:
    """A timestamp, in the portal's time zone, in the locale's style."""
    if value is None:
        return ""
    return _nbsp(format_datetime(value, format))
