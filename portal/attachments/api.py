"""/api/v1/{plans,experiences}/{id}/attachments: upload (multipart) and delete files.

Thin handlers over portal.attachments.services; who may do what is decided there (the editors
of the plan or experience). The files themselves are served at the `url` each attachment
names, by the browser blueprint (portal/attachments/views.py).
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from portal.api.common import ErrorSchema, api_write, load
from portal.api.resources import api_blueprint
from portal.attachments import services
from portal.attachments.content import TYPES, allowed_types_text
from portal.attachments.schemas import AttachmentSchema
from portal.attachments.services import OWNERS, OwnerKind, Upload
from portal.attachments.views import serve_attachment, upload_body_limit
from portal.core.actor import current_actor
from portal.core.boundary import body_limit
from portal.errors import ValidationError

blp = api_blueprint(
    "api_attachments",
    __name__,
    "Files attached to action plans and experiences: upload as multipart/form-data, delete. "
    "The plan's or experience's JSON lists them under `attachments`.",
    tag="Attachments",
)

MULTIPART_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": f"The file: {allowed_types_text()}. Its type is decided "
                        "from its content (and a parse of it), never from its name or the "
                        "part's Content-Type. At most ATTACHMENT_MAX_MB (20 MB by default).",
                    },
                    "title": {"type": "string", "maxLength": services.MAX_TITLE},
                },
            }
        }
    },
}
REFUSALS = {
    404: "No such plan or experience, or one the caller may not see.",
    413: "The file is larger than ATTACHMENT_MAX_MB.",
    415: "Not an allowed file type.",
    422: "Claims an allowed type but does not parse as one, or no file; a plan that is not a "
    "draft.",
}


def _owner(kind: OwnerKind, owner_id: int) -> Any:
    return load(lambda i: kind.load(current_actor(), i), owner_id, _("Not found."))


def _received_file() -> Upload:
    try:
        file = request.files.get("file")
        title = request.form.get("title")
    except RequestEntityTooLarge:
        raise services.too_large() from None
    if file is None:
        message = _("Choose a file to attach.")
        raise ValidationError(message, {"file": [message]})
    return Upload(filename=file.filename or "", data=file.read(), title=title)


def _documented(view, refusals: tuple[int, ...]):
    for code in refusals:
        view = blp.alt_response(code, schema=ErrorSchema, description=REFUSALS[code])(view)
    return view


def _register(kind: OwnerKind) -> None:
    singular = kind.name.removesuffix("s")
    a_singular = f"an {singular}" if singular[0] in "aeiou" else f"a {singular}"
    drafts_only = "; drafts only" if singular == "plan" else ""

    def upload(**ids: int):
        owner = _owner(kind, ids[kind.id_arg])
        return api_write(services.add_attachment, kind, owner, _received_file)

    def delete(**ids: int):
        owner = _owner(kind, ids[kind.id_arg])
        api_write(services.delete_attachment, kind, owner, ids["attachment_id"])
        return ""

    upload.__name__ = upload.__qualname__ = f"attach_to_{singular}"
    upload.__doc__ = (
        f"Attach a file to {a_singular} (its editors{drafts_only})"
        "\n\nThe file is checked by its content: magic bytes and a real parse (PDF by pypdf, "
        "ODF/OOXML as zip archives with their parts, images decoded). Its text (PDFs and "
        f"documents) is indexed with the {singular}."
    )
    delete.__name__ = delete.__qualname__ = f"delete_{singular}_attachment"
    delete.__doc__ = f"Delete a file from {a_singular} (its editors)."
    rule = f"/{kind.name}/<int:{kind.id_arg}>/attachments"
    view = blp.response(201, AttachmentSchema)(_documented(upload, (404, 413, 415, 422)))
    view = blp.doc(requestBody=MULTIPART_BODY)(view)
    blp.route(rule, methods=["POST"])(body_limit(upload_body_limit)(view))
    view = blp.response(204)(_documented(delete, (404, 422)))
    blp.route(f"{rule}/<int:attachment_id>", methods=["DELETE"])(view)


for _kind in OWNERS.values():
    _register(_kind)


FILE_RESPONSE = {
    "description": "The file, with the Content-Type its content was found to be, "
    "`Content-Disposition` (attachment; inline for images) with the file name (RFC 5987 for "
    "non-ASCII), `X-Content-Type-Options: nosniff`, a sandboxing Content-Security-Policy and "
    "its sha256 as ETag.",
    "content": {t.content_type: {"schema": {"type": "string", "format": "binary"}} for t in TYPES},
}


@blp.route("/attachments/<int:attachment_id>")
@blp.doc(responses={"200": FILE_RESPONSE})
@blp.alt_response(
    404,
    schema=ErrorSchema,
    description="No such file, or its plan or experience "
    "is not visible to the caller (a draft of another organisation).",
)
def get_attachment(attachment_id: int):
    """Download an attached file

    Follows the visibility of its plan or experience: a draft's files are 404 to everyone
    outside its organisation."""
    return serve_attachment(attachment_id)
