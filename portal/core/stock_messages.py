"""marshmallow's and webargs' own validation messages, in the language the client asked for.

A schema's stock messages ("Not a valid integer.") are formatted by marshmallow, in English,
before anything knows the request's language. Rather than subclass every field and validator,
the API's error handler translates each message on its way out: it matches the message against
the stock templates below (marked for extraction, translated in the catalogue like any other
message) and formats the translated template with the values it found. A message that matches
no template (the portal's own, already translated) passes unchanged.

`tests/api/test_error_language.py` checks that every stock template of the installed marshmallow
is listed here and translated, so an upgrade that adds one fails a test instead of leaking English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from flask_babel import gettext


def N_(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message


STOCK_TEMPLATES: tuple[str, ...] = (
    # marshmallow.Schema
    N_("Invalid input type."),
    N_("Unknown field."),
    # marshmallow.fields
    N_('"{input}" cannot be formatted as a date.'),
    N_('"{input}" cannot be formatted as a {obj_type}.'),
    N_("Field may not be null."),
    N_("Invalid type."),
    N_("Invalid value."),
    N_("Missing data for required field."),
    N_("Must be one of: {choices}."),
    N_("Not a valid IP address."),
    N_("Not a valid IP interface."),
    N_("Not a valid IPv4 address."),
    N_("Not a valid IPv4 interface."),
    N_("Not a valid IPv6 address."),
    N_("Not a valid IPv6 interface."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid email address."),
    N_("Not a valid integer."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Not a valid number."),
    N_("Not a valid period of time."),
    N_("Not a valid string."),
    N_("Not a valid tuple."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid {awareness} {obj_type}."),
    N_("Not a valid {obj_type}."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("{input!r} cannot be formatted as a timedelta."),
    # marshmallow.validate: Range composes its messages from the bounds' kinds
    N_("Must be greater than or equal to {min}."),
    N_("Must be greater than {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be less than {max}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min} and less than {max}."),
    N_("Must be greater than {min} and less than or equal to {max}."),
    N_("Must be greater than {min} and less than {max}."),
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Must be equal to {other}."),
    N_("String does not match expected pattern."),
    N_("Invalid input."),
    N_("One or more of the choices you made was not in: {choices}."),
    N_("One or more of the choices you made was in: {values}."),
)

_PLACEHOLDER = re.compile(r"\{(\w+)(![rsa])?\}")


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression that matches the template's formatted text, one group a value."""
    parts, position = [], 0
    for found in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : found.start()]))
        parts.append(f"(?P<{found.group(1)}>.*?)")
        position = found.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Fixed messages first, then the templates with the most fixed text: "Must be greater than
    # {min}." would otherwise read "1 and less than 5" as its value.
    ordered = sorted(
        STOCK_TEMPLATES,
        key=lambda template: ("{" in template, -len(_PLACEHOLDER.sub("", template))),
    )
    return tuple((template, _pattern(template)) for template in ordered)


def translate_message(message: str) -> str:
    """The message in the current language if it is one of the stock ones, else unchanged."""
    for template, pattern in _patterns():
        found = pattern.match(message)
        if found:
            # The values are already formatted (a repr is already quoted): insert them as text.
            translated = _PLACEHOLDER.sub(r"{\1}", gettext(template))
            return translated.format(**found.groupdict())
    return message


def translate_errors(errors: Any) -> Any:
    """The same error structure ({field: [messages]}, nested) with stock messages translated."""
    if isinstance(errors, str):
        return translate_message(errors)
    if isinstance(errors, Mapping):
        return {key: translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [translate_errors(value) for value in errors]
    return errors
