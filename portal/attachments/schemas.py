"""The JSON shape of an attachment, the same wherever it appears (its upload's answer, the
`attachments` of a plan or experience)."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from marshmallow import fields


def attachment_url(attachment) -> str:
    # The API's own address of the file, so a token (not only a browser session) reaches it.
    return url_for("api_attachments.get_attachment", attachment_id=attachment.id, _external=True)


class AttachmentSchema(ma.Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    title = fields.String(required=True, allow_none=True)
    content_type = fields.String(
        required=True, metadata={"description": "Decided from the file's content."}
    )
    size = fields.Integer(required=True, metadata={"description": "In bytes."})
    sha256 = fields.String(required=True, metadata={"description": "Also the download's ETag."})
    url = fields.Function(
        attachment_url,
        required=True,
        metadata={
            "type": "string",
            "description": "Where the file is served; it follows its plan's or experience's "
            "visibility.",
        },
    )


def attachments_field() -> fields.List:
    return fields.List(
        fields.Nested(AttachmentSchema),
        required=True,
        metadata={"description": "Attached files (PDF, ODF/OOXML documents, PNG/JPEG images)."},
    )
