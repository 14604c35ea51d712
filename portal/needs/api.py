"""/api/v1/needs: adaptation needs with backings and supplier answers (thin handlers over
the feature's services, which hold every rule)."""

from __future__ import annotations

from functools import partial

from flask_babel import gettext as _

from portal.api import common
from portal.api.resources import api_blueprint, collection_routes, item_route, write_route
from portal.needs import services as need_services
from portal.needs.export import NEED_COLUMNS
from portal.needs.models import (
    AdaptationNeed,
    NeedBacking,
    SupplierAnswer,
)
from portal.needs.schemas import (
    AcceptSchema,
    AnswerCreateSchema,
    AnswerSchema,
    AnswerUpdateSchema,
    BackingDeleteArgsSchema,
    BackingWriteSchema,
    NeedCreateSchema,
    NeedFilterSchema,
    NeedPageSchema,
    NeedSchema,
    NeedStatusSchema,
    NeedWriteSchema,
)

blp = api_blueprint(
    "api_needs",
    __name__,
    "Adaptation needs of municipalities and authorities, backings and supplier answers.",
    tag="Adaptation needs",
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


# --- reads -----------------------------------------------------------------------------------


@collection_routes(blp, "/needs", NeedFilterSchema, NeedPageSchema, NEED_COLUMNS, need_services)
def need_filter(args: dict) -> need_services.NeedFilter:
    """List adaptation needs, filtered and sorted like the needs page."""
    return need_services.NeedFilter(
        status=args.get("status"),
        standard=args.get("standard"),
        product_area=args.get("area"),
        kind=args.get("kind"),
        county_code=args.get("county"),
        sort=args["sort"],
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
    return common.api_write(
        need_services.answer_need, need, org, **need_services.answer_values(data)
    )


@_answer_write(_answer_url, body=AnswerUpdateSchema, method="PUT")
def update_answer(data: dict, answer: SupplierAnswer) -> SupplierAnswer:
    """Change an answer (the supplier's members); the earlier text is kept as a version."""
    return common.api_write(
        need_services.update_answer, answer, **need_services.answer_values(data)
    )


@_answer_write(f"{_answer_url}/accept", body=AcceptSchema, errors=(404,))
def accept_answer(data: dict, answer: SupplierAnswer) -> SupplierAnswer:
    """Mark an answer as accepted, or not (the owner's editors)."""
    return common.api_write(need_services.set_answer_accepted, answer, data["accepted"])
