"""One way to paginate a SELECT, shared by HTML pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select

from portal.extensions import db

T = TypeVar("T")

MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    """A page of results with what a pager needs."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def clamp(page: int | None, per_page: int | None, default_per_page: int = 20) -> tuple[int, int]:
    """Bring a page number and size into their allowed ranges."""
    page = page if page and page > 0 else 1
    per_page = per_page if per_page and per_page > 0 else default_per_page
    return min(page, 10_000_000), min(per_page, MAX_PER_PAGE)


def paginate(stmt: Select, page: int | None, per_page: int | None) -> Page:
    """Run `stmt` for one page, with one COUNT query and one SELECT."""
    page, per_page = clamp(page, per_page)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
