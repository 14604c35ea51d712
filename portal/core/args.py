"""Read list-page query arguments defensively: anything malformed is ignored, and a filter
value that names nothing can be reported (`unknown_values`)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TypeVar, overload

from flask import request

E = TypeVar("E", bound=enum.Enum)


@overload
def int_arg(name: str, default: int = 1, *, max_digits: int = 8) -> int: ...
@overload
def int_arg(name: str, default: None, *, max_digits: int = 8) -> int | None: ...
def int_arg(name: str, default: int | None = 1, *, max_digits: int = 8) -> int | None:
    """A small non-negative integer argument (a page number, a year), or `default`.

    Only ASCII digits count ("²" is a digit to str.isdigit but not to int)."""
    value = request.args.get(name, "")
    digits = value.isascii() and value.isdigit() and len(value) <= max_digits
    return int(value) if digits else default


def enum_arg(name: str, enum_cls: type[E]) -> E | None:
    """The enum member an argument names by value, or None."""
    value = request.args.get(name) or None
    return enum_cls(value) if value in {m.value for m in enum_cls} else None


def choice_arg(name: str, allowed: Iterable[str]) -> str | None:
    """The argument if it is one of `allowed`, else None."""
    value = request.args.get(name) or None
    return value if value in set(allowed) else None


def text_arg(name: str, max_length: int = 100) -> str | None:
    """A trimmed free-text argument cut to `max_length`, or None when empty."""
    return (request.args.get(name) or "").strip()[:max_length] or None


def unknown_values(*filters: tuple[str, str, object]) -> list[tuple[str, str]]:
    """(label, value) of each `(label, name, found)` whose argument `name` was given but read
    as nothing (`found` is falsy): a filter naming nothing the portal knows, which a list
    page says and matches nothing with, instead of silently dropping it and showing all."""
    return [
        (label, raw)
        for label, name, found in filters
        if (raw := (request.args.get(name) or "").strip()[:200]) and not found
    ]
