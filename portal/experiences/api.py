"""/api/v1/experiences: experiences shared by organisations, with comments (thin handlers over
the feature's services, which hold every rule)."""

from __future__ import annotations

from functools import partial

from flask_babel import gettext as _

from portal.api import common
from portal.api.resources import api_blueprint, collection_routes, item_route, write_route
from portal.core.actor import current_actor
from portal.experiences import services as experience_services
from portal.experiences.export import EXPERIENCE_COLUMNS
from portal.experiences.models import Experience, ExperienceComment
from portal.experiences.schemas import (
    CommentSchema,
    CommentWriteSchema,
    ExperienceCreateSchema,
    ExperienceFilterSchema,
    ExperiencePageSchema,
    ExperienceSchema,
    ExperienceWriteSchema,
)

blp = api_blueprint(
    "api_experiences",
    __name__,
    "Experiences organisations share, with comments.",
    tag="Experiences",
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


@item_route(blp, "/experiences/<int:experience_id>", ExperienceSchema)
def get_experience(experience_id: int) -> Experience:
    """Get an experience with its tags, standards and comments.

    Drafts are visible only to members of the organisation (404 to everyone else)."""
    return _experience(experience_id)


@collection_routes(
    blp,
    "/experiences",
    ExperienceFilterSchema,
    ExperiencePageSchema,
    EXPERIENCE_COLUMNS,
    experience_services,
)
def experience_filter(args: dict) -> experience_services.ExperienceFilter:
    """List published experiences, newest first, filtered like the experiences page."""
    return experience_services.ExperienceFilter(
        tag=(args.get("tag") or "").strip() or None,
        standard=args.get("standard"),
        kind=args.get("kind"),
        county_code=args.get("county"),
    )


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
