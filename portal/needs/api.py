"""/api/v1/needs: adaptation needs with backings and supplier answers (thin handlers over
the feature's services, which hold every rule)."""

from __future__ import annotations

from functools import partial

import marshmallow as ma
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate

from portal.api.common import (
    CSV_MAX_ROWS,
    LINK_HEADER,
    OrganisationRefSchema,
    PaginationArgsSchema,
    StandardRefSchema,
    UtcDateTime,
    api_write,
    id_field,
    last_modified,
    load,
    organisation_field,
    organisation_from_body,
    page_schema,
    paginated,
    text_field,
)
from portal.core.csv_export import csv_response
from portal.needs import services as need_services
from portal.needs.export import NEED_COLUMNS
from portal.needs.models import (
    AdaptationNeed,
    NeedStatus,
    ProductArea,
    SupplierAnswer,
    SupportStatus,
)
from portal.orgs.models import OrganisationKind

blp = Blueprint(
    "api_needs",
    __name__,
    url_prefix="/api/v1",
    description="Adaptation needs of municipalities and authorities, backings and supplier "
    "answers.",
)


# --- schemas ---------------------------------------------------------------------------------


class BackingSchema(ma.Schema):
    organization = fields.Nested(OrganisationRefSchema, required=True, attribute="organisation")
    created_at = UtcDateTime(required=True)


class AnswerVersionSchema(ma.Schema):
    number = fields.Integer(required=True)
    product = fields.String(required=True)
    support_status = fields.Enum(SupportStatus, by_value=True, required=True)
    available_from = fields.Date(required=True, allow_none=True)
    body = fields.String(required=True)
    written_at = UtcDateTime(required=True)


class AnswerSchema(ma.Schema):
    id = fields.Integer(required=True)
    organization = fields.Nested(OrganisationRefSchema, required=True, attribute="organisation")
    product = fields.String(required=True)
    support_status = fields.Enum(SupportStatus, by_value=True, required=True)
    available_from = fields.Date(required=True, allow_none=True)
    body = fields.String(required=True, metadata={"description": "Markdown."})
    accepted = fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    versions = fields.List(
        fields.Nested(AnswerVersionSchema),
        required=True,
        metadata={"description": "Earlier versions, newest first."},
    )


class NeedSummarySchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.Enum(NeedStatus, by_value=True, required=True)
    organization = fields.Nested(OrganisationRefSchema, required=True, attribute="organisation")
    standard = fields.Nested(StandardRefSchema, required=True, allow_none=True)
    product_area = fields.Enum(ProductArea, by_value=True, required=True)
    desired_by = fields.Date(required=True, allow_none=True)
    backing_count = fields.Integer(required=True)
    answer_count = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class NeedSchema(NeedSummarySchema):
    description = fields.String(required=True, metadata={"description": "Markdown."})
    backings = fields.List(fields.Nested(BackingSchema), required=True)
    answers = fields.List(fields.Nested(AnswerSchema), required=True)


NeedPageSchema = page_schema(NeedSummarySchema, "NeedPage")


class NeedFilterSchema(PaginationArgsSchema):
    status = fields.Enum(NeedStatus, by_value=True, load_default=None)
    standard = text_field(120, load_default=None, metadata={"description": "A standard's slug."})
    area = fields.Enum(
        ProductArea, by_value=True, load_default=None, metadata={"description": "Product area."}
    )
    kind = fields.Enum(OrganisationKind, by_value=True, load_default=None)
    county = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[0-9]{2}$"),
        metadata={"description": "Two-digit county code."},
    )
    sort = fields.String(
        load_default="backed",
        validate=validate.OneOf(need_services.NEED_SORTS),
        metadata={"description": "backed (most backed first), newest or desired_by."},
    )


class NeedCsvArgsSchema(NeedFilterSchema):
    class Meta:
        exclude = ("page", "per_page")


class NeedWriteSchema(ma.Schema):
    title = text_field(200, required=True)
    description = text_field(50_000, required=True, metadata={"description": "Markdown."})
    standard_id = id_field(load_default=None, allow_none=True)
    product_area = fields.Enum(ProductArea, by_value=True, load_default=ProductArea.OTHER)
    desired_by = fields.Date(load_default=None, allow_none=True)


class NeedCreateSchema(NeedWriteSchema):
    organization = organisation_field()


class NeedStatusSchema(ma.Schema):
    status = fields.Enum(
        NeedStatus,
        by_value=True,
        required=True,
        metadata={"description": "resolved or closed; open reopens a resolved or closed need."},
    )


class BackingWriteSchema(ma.Schema):
    organization = organisation_field()


class BackingDeleteArgsSchema(ma.Schema):
    organization = organisation_field()


class AnswerUpdateSchema(ma.Schema):
    product = text_field(200, required=True)
    support_status = fields.Enum(SupportStatus, by_value=True, required=True)
    available_from = fields.Date(load_default=None, allow_none=True)
    body = text_field(10_000, load_default="", metadata={"description": "Markdown."})


class AnswerCreateSchema(AnswerUpdateSchema):
    organization = organisation_field()


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
    return load(need_services.get_need, need_id, _("No such need."))


def _answer(need_id: int, answer_id: int) -> SupplierAnswer:
    need = _need(need_id)
    return load(partial(need_services.get_answer, need), answer_id, _("No such answer."))


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


@blp.route("/needs")
@blp.arguments(NeedFilterSchema, location="query")
@blp.response(200, NeedPageSchema, headers={"Link": LINK_HEADER})
def list_needs(args: dict):
    """List adaptation needs, filtered and sorted like the needs page."""
    page = need_services.list_needs(_filters(args), args["page"], args["per_page"])
    return paginated(page)


@blp.route("/needs.csv")
@blp.arguments(NeedCsvArgsSchema, location="query")
@blp.response(200, {"type": "string"}, content_type="text/csv")
def export_needs(args: dict):
    """Download the needs matching the filters as CSV."""
    rows = need_services.export_needs(_filters(args), CSV_MAX_ROWS)
    return csv_response(NEED_COLUMNS, rows, "needs.csv")


@blp.route("/needs/<int:need_id>")
@blp.response(200, NeedSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_need(need_id: int):
    """Get a need with the organisations backing it and the supplier answers (with history)."""
    need = _need(need_id)
    return need, 200, last_modified(need.updated_at)


# --- writes ----------------------------------------------------------------------------------


@blp.route("/needs", methods=["POST"])
@blp.arguments(NeedCreateSchema)
@blp.response(201, NeedSchema)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def create_need(data: dict):
    """Post a need on behalf of a verified municipality or authority (its editors)."""
    org = organisation_from_body(data["organization"])
    need = api_write(need_services.post_need, org, **_need_values(data))
    return _reloaded(need.id)


@blp.route("/needs/<int:need_id>", methods=["PUT"])
@blp.arguments(NeedWriteSchema)
@blp.response(200, NeedSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def update_need(data: dict, need_id: int):
    """Replace a need's text, standard, product area and date (the owner's editors)."""
    need = api_write(need_services.update_need, _need(need_id), **_need_values(data))
    return _reloaded(need.id)


@blp.route("/needs/<int:need_id>/status", methods=["POST"])
@blp.arguments(NeedStatusSchema)
@blp.response(200, NeedSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def change_status(data: dict, need_id: int):
    """Resolve, close or reopen a need (the owner's editors)."""
    need = api_write(need_services.change_need_status, _need(need_id), data["status"])
    return _reloaded(need.id)


@blp.route("/needs/<int:need_id>/backing", methods=["POST"])
@blp.arguments(BackingWriteSchema)
@blp.response(201, NeedSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def back_need(data: dict, need_id: int):
    """Back a need ("we need this too") on behalf of an organisation (its editors), once."""
    need = _need(need_id)
    api_write(need_services.back_need, need, organisation_from_body(data["organization"]))
    return _reloaded(need.id)


@blp.route("/needs/<int:need_id>/backing", methods=["DELETE"])
@blp.arguments(BackingDeleteArgsSchema, location="query")
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def unback_need(args: dict, need_id: int):
    """Withdraw an organisation's backing (its editors)."""
    need = _need(need_id)
    api_write(need_services.unback_need, need, organisation_from_body(args["organization"]))


@blp.route("/needs/<int:need_id>/answers", methods=["POST"])
@blp.arguments(AnswerCreateSchema)
@blp.response(201, AnswerSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def answer_need(data: dict, need_id: int):
    """Answer a need on behalf of a verified system supplier (its members), once."""
    need = _need(need_id)
    org = organisation_from_body(data["organization"])
    return api_write(need_services.answer_need, need, org, **_answer_values(data))


@blp.route("/needs/<int:need_id>/answers/<int:answer_id>", methods=["PUT"])
@blp.arguments(AnswerUpdateSchema)
@blp.response(200, AnswerSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def update_answer(data: dict, need_id: int, answer_id: int):
    """Change an answer (the supplier's members); the earlier text is kept as a version."""
    return api_write(
        need_services.update_answer, _answer(need_id, answer_id), **_answer_values(data)
    )


@blp.route("/needs/<int:need_id>/answers/<int:answer_id>/accept", methods=["POST"])
@blp.arguments(AcceptSchema)
@blp.response(200, AnswerSchema)
@blp.alt_response(404, response="NOT_FOUND")
def accept_answer(data: dict, need_id: int, answer_id: int):
    """Mark an answer as accepted, or not (the owner's editors)."""
    return api_write(
        need_services.set_answer_accepted, _answer(need_id, answer_id), data["accepted"]
    )
