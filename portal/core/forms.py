"""Helpers shared by HTML forms."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import flash, redirect, render_template
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, SelectChoice, SelectField

from portal.core.boundary import PortalForm
from portal.errors import EditConflict, ValidationError

T = TypeVar("T")


class VersionedForm(PortalForm):
    """An edit form that carries the version of the object it was loaded from."""

    loaded_version = HiddenField()
    # Set when saving found a newer version: the page shows it next to the user's text.
    edit_conflict = False


def note_edit_conflict(form: FlaskForm, error: ValidationError) -> None:
    """After an EditConflict, keep what the user typed but base the form on the newer
    version, so that saving again replaces it knowingly."""
    if isinstance(error, EditConflict) and isinstance(form, VersionedForm):
        form.loaded_version.data = error.current_version
        form.edit_conflict = True


def apply_service_errors(form: FlaskForm, error: ValidationError) -> None:
    """Show a service's field errors on the matching form fields (others as form errors)."""
    note_edit_conflict(form, error)
    for name, messages in error.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), *messages]
        else:
            form.form_errors.extend(messages)
    if not error.errors and error.message:
        form.form_errors.append(error.message)


def submit_form(
    form: FlaskForm, change: Callable[[], T], success: str, then: Callable[[T], str]
) -> Response | None:
    """On a valid submission run the service `change`, flash `success` and redirect to
    `then(result)`; a refusal lands on the form. None means: show the form (again)."""
    if not form.validate_on_submit():
        return None
    try:
        result = change()
    except ValidationError as error:
        apply_service_errors(form, error)
        return None
    flash(success, "success")
    return redirect(then(result))


def form_page(template: str, form: FlaskForm, **context) -> tuple[str, int]:
    """Render a page with a form: 422 when its input was refused, else 200."""
    status = 422 if form.errors or form.form_errors else 200
    return render_template(template, form=form, **context), status


@dataclass(frozen=True)
class FormPage:
    """A feature's page that creates or edits one kind of object: its template and the
    page a save leads to (given the saved object)."""

    template: str
    then: Callable[[Any], str]

    def save(
        self, form: FlaskForm, change: Callable[[], object], success: str = "", **context
    ) -> Response | tuple[str, int]:
        """submit_form to `then` (flashing `success`, by default "Saved."), else the page with
        the form (again)."""
        success = success or _("Saved.")
        return submit_form(form, change, success, self.then) or form_page(
            self.template, form, **context
        )


def flash_change(change: Callable[[], object], success: str) -> bool:
    """Run the service `change` behind a button: flash its refusal, or `success`.
    True when it went through."""
    try:
        change()
    except ValidationError as error:
        flash(error.message, "error")
        return False
    flash(success, "success")
    return True


class EmptyForm(PortalForm):
    """A form with only the CSRF token, for buttons that change state."""


def button_change(
    change: Callable[[], object], success: str, form: FlaskForm | None = None
) -> bool:
    """The POST behind a button: when `form` (by default only its CSRF token) is valid,
    run the service `change` as flash_change does. True when it went through."""
    if not (form if form is not None else EmptyForm()).validate_on_submit():
        return False
    return flash_change(change, success)


def label_choices(labels: Mapping[enum.Enum, str]) -> Callable[[], list[SelectChoice]]:
    """The choices of a select of enum values, by their labels, built as the form renders."""
    return lambda: [SelectChoice(member.value, label) for member, label in labels.items()]


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
