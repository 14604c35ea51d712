"""Query pieces every feature's list filters share."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func


def contains_text(column, term: str) -> ColumnElement[bool]:
    """`column` contains `term`, ignoring letter case; % and _ in the term match themselves."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")
