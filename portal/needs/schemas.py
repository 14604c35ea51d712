"""Marshmallow schemas of the needs API (needs, backings, supplier answers): what a client
sends and gets."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portal.api import common
from portal.needs import services as need_services
from portal.needs.models import (
    NeedStatus,
    ProductArea,
    SupportStatus,
)


class BackingSchema(ma.Schema):
    organization = common.organisation_ref()
    created_at = common.UtcDateTime(required=True)


class AnswerVersionSchema(ma.Schema):
    number = fields.Integer(required=True)
    product = fields.String(required=True)
    support_status = fields.Enum(SupportStatus, by_value=True, required=True)
    available_from = fields.Date(required=True, allow_none=True)
    body = fields.String(required=True)
    written_at = common.UtcDateTime(required=True)


class AnswerSchema(ma.Schema):
    id = fields.Integer(required=True)
    organization = common.organisation_ref()
    product = fields.String(required=True)
    support_status = fields.Enum(SupportStatus, by_value=True, required=True)
    available_from = fields.Date(required=True, allow_none=True)
    body = fields.String(required=True, metadata={"description": "Markdown."})
    accepted = fields.Boolean(required=True)
    created_at = common.UtcDateTime(required=True)
    updated_at = common.UtcDateTime(required=True)
    versions = fields.List(
        fields.Nested(AnswerVersionSchema),
        required=True,
        metadata={"description": "Earlier versions, newest first."},
    )


class NeedSummarySchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.Enum(NeedStatus, by_value=True, required=True)
    organization = common.organisation_ref()
    standard = fields.Nested(common.StandardRefSchema, required=True, allow_none=True)
    product_area = fields.Enum(ProductArea, by_value=True, required=True)
    desired_by = fields.Date(required=True, allow_none=True)
    backing_count = fields.Integer(required=True)
    answer_count = fields.Integer(required=True)
    created_at = common.UtcDateTime(required=True)
    updated_at = common.UtcDateTime(required=True)


class NeedSchema(NeedSummarySchema):
    description = fields.String(required=True, metadata={"description": "Markdown."})
    backings = fields.List(fields.Nested(BackingSchema), required=True)
    answers = fields.List(fields.Nested(AnswerSchema), required=True)


NeedPageSchema = common.page_schema(NeedSummarySchema, "NeedPage")


class NeedFilterSchema(common.PaginationArgsSchema):
    status = fields.Enum(NeedStatus, by_value=True, load_default=None)
    standard = common.standard_slug_arg()
    area = fields.Enum(
        ProductArea, by_value=True, load_default=None, metadata={"description": "Product area."}
    )
    kind = common.kind_arg()
    county = common.county_arg()
    sort = fields.String(
        load_default="backed",
        validate=validate.OneOf(need_services.NEED_SORTS),
        metadata={"description": "backed (most backed first), newest or desired_by."},
    )


class NeedWriteSchema(ma.Schema):
    title = common.text_field(200, required=True)
    description = common.text_field(50_000, required=True, metadata={"description": "Markdown."})
    standard_id = common.id_field(load_default=None, allow_none=True)
    product_area = fields.Enum(ProductArea, by_value=True, load_default=ProductArea.OTHER)
    desired_by = fields.Date(load_default=None, allow_none=True)


class NeedCreateSchema(NeedWriteSchema):
    organization = common.organisation_field()


class NeedStatusSchema(ma.Schema):
    status = fields.Enum(
        NeedStatus,
        by_value=True,
        required=True,
        metadata={"description": "resolved or closed; open reopens a resolved or closed need."},
    )


class BackingWriteSchema(ma.Schema):
    organization = common.organisation_field()


class BackingDeleteArgsSchema(ma.Schema):
    organization = common.organisation_field()


class AnswerUpdateSchema(ma.Schema):
    product = common.text_field(200, required=True)
    support_status = fields.Enum(SupportStatus, by_value=True, required=True)
    available_from = fields.Date(load_default=None, allow_none=True)
    body = common.text_field(10_000, load_default="", metadata={"description": "Markdown."})


class AnswerCreateSchema(AnswerUpdateSchema):
    organization = common.organisation_field()


class AcceptSchema(ma.Schema):
    accepted = fields.Boolean(required=True)
