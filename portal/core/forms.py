"""Helpers shared by HTML forms."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from portal.errors import ValidationError


def apply_service_errors(form: FlaskForm, error: ValidationError) -> None:
    """Show a service's field errors on the matching form fields (others as form errors)."""
    for name, messages in error.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), *messages]
        else:
            form.form_errors.extend(messages)
    if not error.errors and error.message:
        form.form_errors.append(error.message)


def id_choices(items: Iterable, empty: str | None = None) -> list[SelectChoice]:
    """Choices of objects by id and name (organisations, standards), with an optional
    empty first choice."""
    choices = [SelectChoice(item.id, item.name) for item in items]
    if empty is not None:
        choices.insert(0, SelectChoice("", empty))
    return choices


class OrganisationIdField(SelectField):
    """A choice of organisation; the service decides whether the actor may use it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)
