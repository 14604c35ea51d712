"""/api/v1/experiences: experiences shared by organisations, with comments (thin handlers over
the feature's services, which hold every rule)."""

from __future__ import annotations

from functools import partial

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import fields, validate

from portal.api import common
from portal.api.resources import api_blueprint, collection_routes, item_route, write_route
from portal.core.actor import current_actor
from portal.experiences import services as experience_services
from portal.experiences.export import EXPERIENCE_COLUMNS
from portal.experiences.models import Experience, ExperienceComment, ExperienceStatus

blp = api_blueprint("api_experiences", __name__, "Experiences organisations share, with comments.")

# --- schemas ---------------------------------------------------------------------------------


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


def _filters(args: dict) -> experience_services.ExperienceFilter:
    tag = (args.get("tag") or "").strip() or None
    return experience_services.ExperienceFilter(
        tag=tag,
        standard=args.get("standard"),
        kind=args.get("kind"),
        county_code=args.get("county"),
    )


def _experience_values(data: dict) -> dict:
    return {
        "title": data["title"],
        "body": data["body"],
        "tags": experience_services.parse_tags(",".join(data["tags"])),
        "standard_ids": data["standard_ids"],
    }


def _experience(experience_id: int) -> Experience:
    return common.load(_visible_experience, experience_id, _("No such experience."))


def _visible_experience(experience_id: int) -> Experience:
    return experience_services.get_experience(current_actor(), experience_id)


# --- reads -----------------------------------------------------------------------------------

collection_routes(
    blp,
    "/experiences",
    ExperienceFilterSchema,
    ExperiencePageSchema,
    EXPERIENCE_COLUMNS,
    filters=_filters,
    services=(experience_services.list_experiences, experience_services.export_experiences),
    docs=(
        "List published experiences, newest first, filtered like the experiences page.",
        "Download the published experiences matching the filters as CSV.",
    ),
)


@item_route(blp, "/experiences/<int:experience_id>", ExperienceSchema)
def get_experience(experience_id: int) -> Experience:
    """Get an experience with its tags, standards and comments.

    Drafts are visible only to members of the organisation (404 to everyone else)."""
    return _experience(experience_id)


# --- writes ----------------------------------------------------------------------------------


@blp.route("/experiences", methods=["POST"])
@blp.arguments(ExperienceCreateSchema)
@blp.response(201, ExperienceSchema)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def create_experience(data: dict):
    """Write a draft experience on behalf of an organisation you are a member of."""
    experience = common.api_write(
        experience_services.create_experience,
        common.organisation_from_body(data["organization"]),
        **_experience_values(data),
    )
    return _visible_experience(experience.id)


_one = "/experiences/<int:experience_id>"
_write = partial(write_route, blp, load=_experience)


@_write(_one, ExperienceSchema, body=ExperienceWriteSchema, method="PUT")
def update_experience(data: dict, experience: Experience) -> Experience:
    """Replace an experience's text, tags and standards (its author and the organisation's
    editors)."""
    values = _experience_values(data)
    return common.api_write(experience_services.update_experience, experience, **values)


@_write(f"{_one}/publish", ExperienceSchema)
def publish_experience(experience: Experience) -> Experience:
    """Publish a draft (the organisation must be verified)."""
    return common.api_write(experience_services.publish_experience, experience)


@_write(f"{_one}/unpublish", ExperienceSchema, errors=(404,))
def unpublish_experience(experience: Experience) -> Experience:
    """Turn a published experience back into a draft."""
    return common.api_write(experience_services.unpublish_experience, experience)


@_write(f"{_one}/comments", CommentSchema, body=CommentWriteSchema, status=201)
def add_comment(data: dict, experience: Experience) -> ExperienceComment:
    """Comment on a published experience (any authenticated user)."""
    return common.api_write(experience_services.add_comment, experience, data["body"])
