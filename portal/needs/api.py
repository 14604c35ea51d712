"""/api/v1/needs: adaptation needs with backings and supplier answers (thin handlers over
the feature's services, which hold every rule)."""

from __future__ import annotations

from functools import partial

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import fields, validate

from portal.api import common
from portal.api.resources import api_blueprint, collection_routes, item_route, write_route
from portal.needs import services as need_services
from portal.needs.export import NEED_COLUMNS
from portal.needs.models import (
    AdaptationNeed,
    NeedBacking,
    NeedStatus,
    ProductArea,
    SupplierAnswer,
    SupportStatus,
)

blp = api_blueprint(
    "api_needs",
    __name__,
    "Adaptation needs of municipalities and authorities, backings and supplier answers.",
)


# --- schemas ---------------------------------------------------------------------------------


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


def _filters(args: dict) -> need_services.NeedFilter:
    return need_services.NeedFilter(
        status=args.get("status"),
        standard=args.get("standard"),
        product_area=args.get("area"),
        kind=args.get("kind"),
        county_code=args.get("county"),
        sort=args["sort"],
    )


def _need(need_id: int) -> AdaptationNeed:
    return common.load(need_services.get_need, need_id, _("No such need."))


def _answer(need_id: int, answer_id: int) -> SupplierAnswer:
    need = _need(need_id)
    return common.load(partial(need_services.get_answer, need), answer_id, _("No such answer."))


def _reloaded(need_id: int) -> AdaptationNeed:
    """The need as its page shows it, after a change (counts and lists fresh)."""
    from portal.extensions import db

    db.session.expire_all()
    return need_services.get_need(need_id)


def _need_values(data: dict) -> dict:
    return {
        "title": data["title"],
        "description": data["description"],
        "standard_id": data["standard_id"],
        "product_area": data["product_area"],
        "desired_by": data["desired_by"],
    }


def _answer_values(data: dict) -> dict:
    return {
        "product": data["product"],
        "support_status": data["support_status"],
        "available_from": data["available_from"],
        "body": data["body"],
    }


# --- reads -----------------------------------------------------------------------------------

collection_routes(
    blp,
    "/needs",
    NeedFilterSchema,
    NeedPageSchema,
    NEED_COLUMNS,
    filters=_filters,
    services=(need_services.list_needs, need_services.export_needs),
    docs=(
        "List adaptation needs, filtered and sorted like the needs page.",
        "Download the needs matching the filters as CSV.",
    ),
)


@item_route(blp, "/needs/<int:need_id>", NeedSchema)
def get_need(need_id: int) -> AdaptationNeed:
    """Get a need with the organisations backing it and the supplier answers (with history)."""
    return _need(need_id)


# --- writes ----------------------------------------------------------------------------------


@blp.route("/needs", methods=["POST"])
@blp.arguments(NeedCreateSchema)
@blp.response(201, NeedSchema)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def create_need(data: dict):
    """Post a need on behalf of a verified municipality or authority (its editors)."""
    org = common.organisation_from_body(data["organization"])
    need = common.api_write(need_services.post_need, org, **_need_values(data))
    return _reloaded(need.id)


_one = "/needs/<int:need_id>"
_answer_url = f"{_one}/answers/<int:answer_id>"
# A change to a need answers the need as its page shows it afterwards.
_need_write = partial(
    write_route,
    blp,
    schema=NeedSchema,
    load=_need,
    answer=lambda need, _changed: _reloaded(need.id),
)
_answer_write = partial(write_route, blp, schema=AnswerSchema, load=_answer)


@_need_write(_one, body=NeedWriteSchema, method="PUT")
def update_need(data: dict, need: AdaptationNeed) -> AdaptationNeed:
    """Replace a need's text, standard, product area and date (the owner's editors)."""
    return common.api_write(need_services.update_need, need, **_need_values(data))


@_need_write(f"{_one}/status", body=NeedStatusSchema)
def change_status(data: dict, need: AdaptationNeed) -> AdaptationNeed:
    """Resolve, close or reopen a need (the owner's editors)."""
    return common.api_write(need_services.change_need_status, need, data["status"])


@_need_write(f"{_one}/backing", body=BackingWriteSchema, status=201)
def back_need(data: dict, need: AdaptationNeed) -> NeedBacking:
    """Back a need ("we need this too") on behalf of an organisation (its editors), once."""
    org = common.organisation_from_body(data["organization"])
    return common.api_write(need_services.back_need, need, org)


@blp.route("/needs/<int:need_id>/backing", methods=["DELETE"])
@blp.arguments(BackingDeleteArgsSchema, location="query")
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def unback_need(args: dict, need_id: int):
    """Withdraw an organisation's backing (its editors)."""
    need = _need(need_id)
    common.api_write(
        need_services.unback_need, need, common.organisation_from_body(args["organization"])
    )


@blp.route("/needs/<int:need_id>/answers", methods=["POST"])
@blp.arguments(AnswerCreateSchema)
@blp.response(201, AnswerSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def answer_need(data: dict, need_id: int):
    """Answer a need on behalf of a verified system supplier (its members), once."""
    need = _need(need_id)
    org = common.organisation_from_body(data["organization"])
    return common.api_write(need_services.answer_need, need, org, **_answer_values(data))


@_answer_write(_answer_url, body=AnswerUpdateSchema, method="PUT")
def update_answer(data: dict, answer: SupplierAnswer) -> SupplierAnswer:
    """Change an answer (the supplier's members); the earlier text is kept as a version."""
    return common.api_write(need_services.update_answer, answer, **_answer_values(data))


@_answer_write(f"{_answer_url}/accept", body=AcceptSchema, errors=(404,))
def accept_answer(data: dict, answer: SupplierAnswer) -> SupplierAnswer:
    """Mark an answer as accepted, or not (the owner's editors)."""
    return common.api_write(need_services.set_answer_accepted, answer, data["accepted"])
