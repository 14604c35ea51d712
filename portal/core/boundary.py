"""The boundary where hostile input becomes a clear client error, before any view sees it.

Every request crosses it, so no view, form or service has to remember:

- Path arguments: `<int:...>` takes only ids the database can hold (1 to 2**31 - 1) and text
  arguments refuse NUL and lone surrogates; anything else matches no route, so it is a 404.
- Query strings: a parameter (name or value) with NUL or a lone surrogate is a 422 naming it.
- Forms: every form is a `PortalForm`, which refuses such text, and numbers beyond an
  INTEGER column, with an error on the field.
- JSON bodies: nested deeper than `MAX_JSON_DEPTH` is a 400 (larger than MAX_CONTENT_LENGTH
  is Werkzeug's 413), before Flask or webargs parse them.
- Body size: MAX_CONTENT_LENGTH for every route, except views marked `@body_limit(...)` (file
  uploads), whose own limit is set before anything (the CSRF check included) reads the body.

PostgreSQL cannot store NUL nor compare integers beyond its column type, and SQLite cannot
bind integers beyond 64 bits: what the database would refuse with a 500 is refused here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate
from typing import TypeVar

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError
from wtforms import Field, FieldList, FormField, IntegerField
from wtforms.fields.choices import SelectFieldBase

from portal.errors import ValidationError as InputRefused

# The range of an INTEGER primary key on PostgreSQL (and far inside SQLite's).
MAX_ID = 2**31 - 1
MAX_ID_DIGITS = len(str(MAX_ID))
# Deeper than any body the API describes (a plan nests three levels), far below recursion.
MAX_JSON_DEPTH = 32

FORBIDDEN_TEXT = _l("Contains characters that are not allowed (such as NUL).")
OUT_OF_RANGE = _l("This number is outside the range the portal can store.")
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def has_forbidden_characters(text: str) -> bool:
    """Whether `text` holds NUL or a lone surrogate, which no database column may store."""
    return _FORBIDDEN.search(text) is not None


def parse_id(text: str | None) -> int | None:
    """The id `text` spells in ASCII digits if the database can hold it, else None."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > MAX_ID_DIGITS:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON `body` (strings skipped), without parsing."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_A_BRACKET)
    return max(accumulate(1 if b in b"[{" else -1 for b in brackets), default=0)


# --- path arguments ------------------------------------------------------------------------


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: an id the database can hold, else the route does not match."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class _RefuseForbidden:
    def to_python(self, value: str) -> str:
        if has_forbidden_characters(value):
            raise ValidationError()
        return super().to_python(value)  # type: ignore[misc]


class TextConverter(_RefuseForbidden, UnicodeConverter):
    """`<name>` and `<string:name>`: text without NUL or lone surrogates."""


class SafePathConverter(_RefuseForbidden, PathConverter):
    """`<path:name>`: a path without NUL or lone surrogates."""


CONVERTERS = {
    "default": TextConverter,
    "string": TextConverter,
    "path": SafePathConverter,
    "int": IdConverter,
}


# --- forms -----------------------------------------------------------------------------------


def _out_of_range(data: object) -> bool:
    values = data if isinstance(data, list | tuple) else [data]
    return any(isinstance(v, int) and not -MAX_ID <= v <= MAX_ID for v in values)


def _refuse_hostile(field: Field) -> bool:
    """Put an error on `field` (or its subfields) if its input holds NUL or a lone surrogate,
    or is a number or choice no INTEGER column holds, and take that out of its data (a view
    may re-read the data to explain other errors). True when something was refused."""
    if isinstance(field, FormField):
        return any([_refuse_hostile(sub) for sub in field.form])  # noqa: C419
    if isinstance(field, FieldList):
        refused = any([_refuse_hostile(entry) for entry in field.entries])  # noqa: C419
        field.errors = [entry.errors for entry in field.entries]
        return refused
    message = None
    raw = [value for value in field.raw_data or [] if isinstance(value, str)]
    if any(has_forbidden_characters(value) for value in raw):
        field.raw_data = [_FORBIDDEN.sub("", value) for value in raw]
        if isinstance(field.data, str):
            field.data = _FORBIDDEN.sub("", field.data)
        message = FORBIDDEN_TEXT
    elif isinstance(field, IntegerField | SelectFieldBase) and _out_of_range(field.data):
        # Ids, years, positions and levels (SEK amounts are text fields with their own rule).
        # Dropped from the data too: a view may still read it to explain other errors.
        if isinstance(field.data, list):
            field.data = [value for value in field.data if not _out_of_range(value)]
        else:
            field.data = None
        message = OUT_OF_RANGE
    if message is None:
        return False
    field.errors = [*list(field.errors or []), str(message)]
    return True


class PortalForm(FlaskForm):
    """The base of every HTML form: text with NUL or lone surrogates, and numbers beyond an
    INTEGER column, are refused on their field (a 422 page with the form), so they never
    reach a service or the database."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        refused = [_refuse_hostile(field) for field in self]
        return valid and not any(refused)


# --- query strings and JSON bodies -----------------------------------------------------------


def _refuse_hostile_query() -> None:
    for name, value in request.args.items(multi=True):
        if has_forbidden_characters(name) or has_forbidden_characters(value):
            shown = _FORBIDDEN.sub("", name) or "?"
            raise InputRefused(str(FORBIDDEN_TEXT), {shown: [str(FORBIDDEN_TEXT)]})


def _refuse_deep_json() -> None:
    if request.is_json and json_depth(request.get_data(cache=True)) > MAX_JSON_DEPTH:
        raise BadRequest(
            _("The JSON body nests deeper than %(depth)d levels.", depth=MAX_JSON_DEPTH)
        )


# --- body size -------------------------------------------------------------------------------

V = TypeVar("V", bound=Callable)
_BODY_LIMIT = "_portal_body_limit"


def body_limit(limit: Callable[[], int]) -> Callable[[V], V]:
    """Let a view take request bodies of up to `limit()` bytes instead of MAX_CONTENT_LENGTH."""

    def mark(view: V) -> V:
        setattr(view, _BODY_LIMIT, limit)
        return view

    return mark


def _apply_body_limit(endpoint: str | None, _values: dict | None) -> None:
    # A URL value preprocessor: it runs before every before_request hook (CSRF reads the form).
    view = current_app.view_functions.get(endpoint or "")
    limit = getattr(view, _BODY_LIMIT, None)
    if limit is not None:
        request.max_content_length = limit()


def init_boundary(app: Flask) -> None:
    """Install the converters (before any route is added) and the request checks."""
    app.url_map.converters.update(CONVERTERS)
    app.url_value_preprocessor(_apply_body_limit)
    app.before_request(_refuse_hostile_query)
    app.before_request(_refuse_deep_json)
