"""Marshmallow schemas of the experiences and their comments API: what a client sends and gets."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portal.api import common
from portal.attachments.schemas import attachments_field
from portal.experiences.models import ExperienceStatus


class CommentSchema(ma.Schema):
    id = fields.Integer(required=True)
    author = fields.Function(
        lambda c: c.author.name if c.author else None,
        required=True,
        allow_none=True,
        metadata={"type": "string", "nullable": True},
    )
    body = fields.String(required=True, metadata={"description": "Markdown."})
    created_at = common.UtcDateTime(required=True)


class ExperienceSummarySchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.Enum(ExperienceStatus, by_value=True, required=True)
    organization = common.organisation_ref()
    tags = fields.Function(
        lambda e: [t.name for t in e.tags],
        required=True,
        metadata={"type": "array", "items": {"type": "string"}},
    )
    standards = fields.List(fields.Nested(common.StandardRefSchema), required=True)
    published_at = common.UtcDateTime(required=True, allow_none=True)
    updated_at = common.UtcDateTime(required=True)


class ExperienceSchema(ExperienceSummarySchema):
    body = fields.String(required=True, metadata={"description": "Markdown."})
    author = fields.Function(
        lambda e: e.author.name if e.author else None,
        required=True,
        allow_none=True,
        metadata={"type": "string", "nullable": True},
    )
    comments = fields.Function(
        lambda e: CommentSchema(many=True).dump([c for c in e.comments if not c.removed]),
        required=True,
        metadata={
            "type": "array",
            "items": {"$ref": "#/components/schemas/Comment"},
            "description": "Comments that are not removed, oldest first.",
        },
    )
    attachments = attachments_field()
    created_at = common.UtcDateTime(required=True)


ExperiencePageSchema = common.page_schema(ExperienceSummarySchema, "ExperiencePage")


class ExperienceFilterSchema(common.PaginationArgsSchema):
    tag = common.text_field(60, load_default=None, metadata={"description": "A tag name."})
    standard = common.standard_slug_arg()
    kind = common.kind_arg()
    county = common.county_arg()


class ExperienceWriteSchema(ma.Schema):
    title = common.text_field(200, required=True)
    body = common.text_field(50_000, required=True, metadata={"description": "Markdown."})
    tags = fields.List(common.text_field(60), load_default=list, validate=validate.Length(max=10))
    standard_ids = fields.List(
        common.id_field(), load_default=list, validate=validate.Length(max=50)
    )


class ExperienceCreateSchema(ExperienceWriteSchema):
    organization = common.organisation_field()


class CommentWriteSchema(ma.Schema):
    body = common.text_field(5000, required=True, metadata={"description": "Markdown."})
