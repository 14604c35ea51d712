"""Query pieces every feature's list filters share."""

from __future__ import annotations

import re
from typing import TypeVar

from sqlalchemy import ColumnElement, func, select

from portal.errors import NotFound
from portal.extensions import db

M = TypeVar("M")

# What a slug (or a municipality code) in a URL can be; anything else names nothing, without
# asking the database.
URL_KEY = re.compile(r"[A-Za-z0-9-]{1,120}")


def get_by_key(model: type[M], column, key: str | None, missing: str) -> M:
    """The row whose `column` equals the URL key (lower-cased), else NotFound(`missing`)."""
    key = (key or "").strip().lower()
    row = db.session.scalar(select(model).where(column == key)) if URL_KEY.fullmatch(key) else None
    if row is None:
        raise NotFound(missing)
    return row


def contains_text(column, term: str) -> ColumnElement[bool]:
    """`column` contains `term`, ignoring letter case; % and _ in the term match themselves."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def get_under(model: type[M], row_id: int, *, parent: str, parent_id: int, missing: str) -> M:
    """The row with this id if it belongs to the given parent row, else NotFound(`missing`):
    an id under the wrong parent is as unknown as one that does not exist."""
    row = db.session.get(model, row_id)
    if row is None or getattr(row, parent) != parent_id:
        raise NotFound(missing)
    return row
