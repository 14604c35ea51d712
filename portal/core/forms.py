"""Helpers shared by HTML forms."""

from __future__ import annotations

from flask_wtf import FlaskForm

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
