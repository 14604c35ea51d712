"""Attachments in the browser: upload and delete on the edit page of a plan or experience
(one small multipart form each, CSRF-protected), and the download every visitor who may see
the plan or experience may use."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from portal.attachments import services
from portal.attachments.content import BY_CONTENT_TYPE, IMAGE_TYPES, allowed_types_text
from portal.attachments.forms import AttachmentForm
from portal.attachments.services import OWNERS, OwnerKind, Upload
from portal.core.actor import current_actor
from portal.core.boundary import body_limit
from portal.core.forms import EmptyForm
from portal.errors import PayloadTooLarge, UnsupportedMediaType, ValidationError

bp = Blueprint("attachments", __name__)

# Messages shown next to the attachments (templates/attachments/macros.html), not at the top.
PLACE = "attachments"
# Multipart framing and the title around the file itself.
FORM_OVERHEAD = 1024 * 1024
# A file may not act in the portal's origin even if a browser were to render it.
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def upload_body_limit() -> int:
    return services.max_bytes() + FORM_OVERHEAD


@bp.app_template_global()
def attachment_form() -> AttachmentForm:
    """A fresh upload form (never bound to another form's submission on the same page)."""
    return AttachmentForm(formdata=None)


@bp.app_template_global()
def can_manage_attachments(kind: str, owner: Any) -> bool:
    return OWNERS[kind].can_edit(current_actor(), owner)


@bp.app_template_global()
def attachment_action(kind: str, owner: Any, attachment: Any = None) -> str:
    """Where the upload form (or, given an attachment, its delete button) posts to."""
    owners = OWNERS[kind]
    ids = {owners.id_arg: owner.id}
    if attachment is None:
        return url_for(f"attachments.upload_{kind}", **ids)
    return url_for(f"attachments.delete_{kind}", attachment_id=attachment.id, **ids)


@bp.app_template_global()
def attachment_limits() -> str:
    return _(
        "%(types)s, at most %(mb)d MB.",
        types=allowed_types_text(),
        mb=services.max_bytes() // (1024 * 1024),
    )


@bp.app_template_filter("filetype")
def filetype(content_type: str) -> str:
    found = BY_CONTENT_TYPE.get(content_type)
    return str(found.label) if found else content_type


def _back(kind: OwnerKind, owner_id: int) -> Response:
    return redirect(url_for(kind.edit_endpoint, **{kind.id_arg: owner_id}) + "#attachments")


def _upload(kind: OwnerKind, owner_id: int) -> Response:
    actor = current_actor()
    owner = kind.load(actor, owner_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(message, f"{PLACE}:error")
        return _back(kind, owner_id)
    file = form.file.data

    def upload() -> Upload:
        return Upload(
            filename=getattr(file, "filename", None) or "",
            data=file.read() if file else b"",
            title=form.title.data,
        )

    try:
        attachment = services.add_attachment(actor, kind, owner, upload)
    except (ValidationError, UnsupportedMediaType, PayloadTooLarge) as refusal:
        flash(refusal.message, f"{PLACE}:error")
    else:
        flash(_("%(name)s is attached.", name=attachment.filename), f"{PLACE}:success")
    return _back(kind, owner_id)


def _delete(kind: OwnerKind, owner_id: int, attachment_id: int) -> Response:
    actor = current_actor()
    owner = kind.load(actor, owner_id)
    if EmptyForm().validate_on_submit():
        try:
            services.delete_attachment(actor, kind, owner, attachment_id)
        except ValidationError as refusal:
            flash(refusal.message, f"{PLACE}:error")
        else:
            flash(_("The attachment is deleted."), f"{PLACE}:success")
    return _back(kind, owner_id)


def _register(kind: OwnerKind) -> None:
    def upload(**ids: int) -> Response:
        return _upload(kind, ids[kind.id_arg])

    def delete(**ids: int) -> Response:
        return _delete(kind, ids[kind.id_arg], ids["attachment_id"])

    upload.__doc__ = f"Attach a file to one of the {kind.name} (its editors)."
    delete.__doc__ = f"Delete a file from one of the {kind.name} (its editors)."
    rule = f"/{kind.name}/<int:{kind.id_arg}>/attachments"
    bp.add_url_rule(
        rule,
        f"upload_{kind.name}",
        body_limit(upload_body_limit)(login_required(upload)),
        methods=["POST"],
    )
    bp.add_url_rule(
        f"{rule}/<int:attachment_id>/delete",
        f"delete_{kind.name}",
        login_required(delete),
        methods=["POST"],
    )


for _kind in OWNERS.values():
    _register(_kind)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(_error: RequestEntityTooLarge) -> Response:
    """A body beyond even the upload limit: say so on the edit page, as for a large file."""
    flash(services.too_large().message, f"{PLACE}:error")
    kind = OWNERS[(request.endpoint or "").rsplit("_", 1)[-1]]
    return _back(kind, (request.view_args or {})[kind.id_arg])


def serve_attachment(attachment_id: int) -> Response:
    """A file, to whoever may see its plan or experience (404 to anyone else), answered so
    that no browser runs it in the portal's origin."""
    attachment, data = services.attachment_to_serve(current_actor(), attachment_id)
    response = send_file(
        io.BytesIO(data),
        mimetype=attachment.content_type,
        as_attachment=attachment.content_type not in IMAGE_TYPES,
        download_name=attachment.filename,
        etag=attachment.sha256,
        last_modified=attachment.created_at,
        max_age=None,
        conditional=True,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX
    # Revalidate every time (cheap, by ETag): a plan taken back to draft hides its files at once.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/attachments/<int:attachment_id>")
def download(attachment_id: int) -> Response:
    """Serve a file to whoever may see its plan or experience (404 to anyone else)."""
    return serve_attachment(attachment_id)
