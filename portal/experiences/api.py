"""/api/v1/experiences: experiences shared by organisations, with comments (thin handlers over
the feature's services, which hold every rule)."""

from __future__ import annotations

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
from portal.core.actor import current_actor
from portal.core.csv_export import csv_response
from portal.experiences import services as experience_services
from portal.experiences.export import EXPERIENCE_COLUMNS
from portal.experiences.models import Experience, ExperienceStatus
from portal.orgs.models import OrganisationKind

blp = Blueprint(
    "api_experiences",
    __name__,
    url_prefix="/api/v1",
    description="Experiences organisations share, with comments.",
)

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
    created_at = UtcDateTime(required=True)


class ExperienceSummarySchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.Enum(ExperienceStatus, by_value=True, required=True)
    organization = fields.Nested(OrganisationRefSchema, required=True, attribute="organisation")
    tags = fields.Function(
        lambda e: [t.name for t in e.tags],
        required=True,
        metadata={"type": "array", "items": {"type": "string"}},
    )
    standards = fields.List(fields.Nested(StandardRefSchema), required=True)
    published_at = UtcDateTime(required=True, allow_none=True)
    updated_at = UtcDateTime(required=True)


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
    created_at = UtcDateTime(required=True)


ExperiencePageSchema = page_schema(ExperienceSummarySchema, "ExperiencePage")


class ExperienceFilterSchema(PaginationArgsSchema):
    tag = text_field(60, load_default=None, metadata={"description": "A tag name."})
    standard = text_field(120, load_default=None, metadata={"description": "A standard's slug."})
    kind = fields.Enum(OrganisationKind, by_value=True, load_default=None)
    county = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[0-9]{2}$"),
        metadata={"description": "Two-digit county code."},
    )


class ExperienceCsvArgsSchema(ExperienceFilterSchema):
    class Meta:
        exclude = ("page", "per_page")


class ExperienceWriteSchema(ma.Schema):
    title = text_field(200, required=True)
    body = text_field(50_000, required=True, metadata={"description": "Markdown."})
    tags = fields.List(text_field(60), load_default=list, validate=validate.Length(max=10))
    standard_ids = fields.List(id_field(), load_default=list, validate=validate.Length(max=50))


class ExperienceCreateSchema(ExperienceWriteSchema):
    organization = organisation_field()


class CommentWriteSchema(ma.Schema):
    body = text_field(5000, required=True, metadata={"description": "Markdown."})


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
    return load(_visible_experience, experience_id, _("No such experience."))


def _visible_experience(experience_id: int) -> Experience:
    return experience_services.get_experience(current_actor(), experience_id)


# --- reads -----------------------------------------------------------------------------------


@blp.route("/experiences")
@blp.arguments(ExperienceFilterSchema, location="query")
@blp.response(200, ExperiencePageSchema, headers={"Link": LINK_HEADER})
def list_experiences(args: dict):
    """List published experiences, newest first, filtered like the experiences page."""
    page = experience_services.list_experiences(_filters(args), args["page"], args["per_page"])
    return paginated(page)


@blp.route("/experiences.csv")
@blp.arguments(ExperienceCsvArgsSchema, location="query")
@blp.response(200, {"type": "string"}, content_type="text/csv")
def export_experiences(args: dict):
    """Download the published experiences matching the filters as CSV."""
    rows = experience_services.export_experiences(_filters(args), CSV_MAX_ROWS)
    return csv_response(EXPERIENCE_COLUMNS, rows, "experiences.csv")


@blp.route("/experiences/<int:experience_id>")
@blp.response(200, ExperienceSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_experience(experience_id: int):
    """Get an experience with its tags, standards and comments.

    Drafts are visible only to members of the organisation (404 to everyone else)."""
    experience = _experience(experience_id)
    return experience, 200, last_modified(experience.updated_at)


# --- writes ----------------------------------------------------------------------------------


@blp.route("/experiences", methods=["POST"])
@blp.arguments(ExperienceCreateSchema)
@blp.response(201, ExperienceSchema)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def create_experience(data: dict):
    """Write a draft experience on behalf of an organisation you are a member of."""
    experience = api_write(
        experience_services.create_experience,
        organisation_from_body(data["organization"]),
        **_experience_values(data),
    )
    return _visible_experience(experience.id)


@blp.route("/experiences/<int:experience_id>", methods=["PUT"])
@blp.arguments(ExperienceWriteSchema)
@blp.response(200, ExperienceSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def update_experience(data: dict, experience_id: int):
    """Replace an experience's text, tags and standards (its author and the organisation's
    editors)."""
    return api_write(
        experience_services.update_experience,
        _experience(experience_id),
        **_experience_values(data),
    )


@blp.route("/experiences/<int:experience_id>/publish", methods=["POST"])
@blp.response(200, ExperienceSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def publish_experience(experience_id: int):
    """Publish a draft (the organisation must be verified)."""
    return api_write(experience_services.publish_experience, _experience(experience_id))


@blp.route("/experiences/<int:experience_id>/unpublish", methods=["POST"])
@blp.response(200, ExperienceSchema)
@blp.alt_response(404, response="NOT_FOUND")
def unpublish_experience(experience_id: int):
    """Turn a published experience back into a draft."""
    return api_write(experience_services.unpublish_experience, _experience(experience_id))


@blp.route("/experiences/<int:experience_id>/comments", methods=["POST"])
@blp.arguments(CommentWriteSchema)
@blp.response(201, CommentSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def add_comment(data: dict, experience_id: int):
    """Comment on a published experience (any authenticated user)."""
    return api_write(experience_services.add_comment, _experience(experience_id), data["body"])
