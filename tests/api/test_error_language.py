"""The schema's own checks (marshmallow's stock messages) answer in the client's language too."""

from __future__ import annotations

import inspect

import marshmallow
import pytest
from babel.messages.pofile import read_po
from marshmallow import fields, validate

from portal.core.stock_messages import STOCK_TEMPLATES, translate_errors, translate_message


def installed_stock_templates() -> set[str]:
    """Every message template the installed marshmallow can put in a 422."""
    found = set(marshmallow.Schema._default_error_messages.values())
    for _, field in inspect.getmembers(fields, inspect.isclass):
        found.update(getattr(field, "default_error_messages", {}).values())
    for min_inclusive in (True, False):
        for max_inclusive in (True, False):
            bounds = validate.Range(
                min=1, max=2, min_inclusive=min_inclusive, max_inclusive=max_inclusive
            )
            found.update({bounds.message_min, bounds.message_max, bounds.message_all})
    length = validate.Length(min=1, max=2)
    found.update({length.message_min, length.message_max, length.message_all})
    found.add(length.message_equal)
    for validator in (
        validate.Equal,
        validate.Regexp,
        validate.OneOf,
        validate.NoneOf,
        validate.ContainsOnly,
        validate.ContainsNoneOf,
        validate.Email,
        validate.URL,
        validate.Predicate,
    ):
        found.add(validator.default_message)
    return found


def test_every_stock_template_of_the_installed_marshmallow_is_listed():
    assert installed_stock_templates() <= set(STOCK_TEMPLATES)


def test_every_stock_template_has_a_swedish_translation(app):
    with open(f"{app.root_path}/translations/sv/LC_MESSAGES/messages.po", "rb") as po:
        catalog = read_po(po)
    for template in STOCK_TEMPLATES:
        message = catalog.get(template)
        assert message is not None and message.string, template
        assert not message.fuzzy, template


@pytest.mark.parametrize(
    ("url", "field", "english", "swedish"),
    [
        (
            "/api/v1/plans?page=first",
            "page",
            "Not a valid integer.",
            "Inte ett giltigt heltal.",
        ),
        (
            "/api/v1/plans?year=1000",
            "year",
            "Must be greater than or equal to 1990 and less than or equal to 2100.",
            "Måste vara större än eller lika med 1990 och mindre än eller lika med 2100.",
        ),
        (
            "/api/v1/plans?sort=bogus",
            "sort",
            "Must be one of: updated, title, budget.",
            "Måste vara ett av: updated, title, budget.",
        ),
    ],
)
def test_schema_checks_answer_in_the_language_asked_for(client, url, field, english, swedish):
    for language, expected in (("en", english), ("sv", swedish)):
        answer = client.get(url, headers={"Accept-Language": language})
        assert answer.status_code == 422, answer.json
        assert answer.json["errors"][field] == [expected]
        assert answer.headers["Content-Language"] == language


def test_values_inside_a_message_are_kept(app):
    with app.test_request_context(headers={"Accept-Language": "sv"}, path="/api/v1/plans"):
        assert translate_message("Length must be between 2 and 120.") == (
            "Längden måste vara mellan 2 och 120."
        )
        assert translate_message("'12 days' cannot be formatted as a timedelta.") == (
            "'12 days' kan inte skrivas som en tidslängd."
        )
        nested = {"steps": {"0": {"year": ["Not a valid integer."]}}, "title": ["Egen text."]}
        assert translate_errors(nested) == {
            "steps": {"0": {"year": ["Inte ett giltigt heltal."]}},
            "title": ["Egen text."],
        }
