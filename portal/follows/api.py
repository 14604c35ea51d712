"""/api/v1/me/follows: what the authenticated user follows."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from portal.api.auth import authenticated, require_user
from portal.api.common import PaginationArgsSchema, api_write, page_schema, paginated
from portal.api.resources import api_blueprint
from portal.core.pagination import Page, clamp
from portal.follows import services
from portal.follows.models import FollowTarget

blp = api_blueprint(
    "api_follows",
    __name__,
    "What the authenticated user follows: organisations, standards, needs, plans and tags. "
    "Following tells the user of what happens to them (GET /api/v1/me/notifications).",
    prefix="/me/follows",
    tag="Follows",
)

TYPE_DESCRIPTION = "What kind of thing is followed."


class FollowSchema(ma.Schema):
    id = fields.Integer(required=True)
    type = fields.Enum(
        FollowTarget,
        by_value=True,
        required=True,
        attribute="target_type",
        metadata={"description": TYPE_DESCRIPTION},
    )
    target = fields.String(
        required=True,
        attribute="target_key",
        metadata={
            "description": "The followed thing's key: the id of an organisation, standard, "
            "need or plan; a tag's name in lower case."
        },
    )
    name = fields.String(required=True, attribute="label")
    url = fields.String(required=True, metadata={"description": "Its page on the portal."})


FollowPageSchema = page_schema(FollowSchema, "FollowPage")


class TargetField(fields.String):
    """A string, or an id given as a JSON integer."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs)


class FollowCreateSchema(ma.Schema):
    type = fields.Enum(
        FollowTarget, by_value=True, required=True, metadata={"description": TYPE_DESCRIPTION}
    )
    target = TargetField(
        required=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={
            "description": "An organisation's slug, municipality code or id; a standard's "
            "slug or id; a need's or plan's id; a tag's name. 422 when it names nothing the "
            "user may see."
        },
    )


@blp.route("")
@authenticated
@blp.arguments(PaginationArgsSchema, location="query")
@blp.response(200, FollowPageSchema)
def list_follows(args: dict):
    """List what the authenticated user follows (what they may still see), by kind."""
    page, per_page = clamp(args.get("page"), args.get("per_page"))
    follows = services.follows_of(require_user())
    start = (page - 1) * per_page
    return paginated(
        Page(
            items=follows[start : start + per_page],
            page=page,
            per_page=per_page,
            total=len(follows),
        )
    )


@blp.route("", methods=["POST"])
@blp.arguments(FollowCreateSchema)
@blp.response(201, FollowSchema, description="Now followed.")
@blp.alt_response(200, schema=FollowSchema, description="Already followed: the existing follow.")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def create_follow(data: dict):
    """Follow an organisation, a standard, a need, a plan or a tag. Following the same thing
    again answers 200 with the existing follow."""
    follow, created = api_write(services.follow, data["type"], data["target"])
    shown = services.describe_follow(require_user(), follow)
    return shown, (201 if created else 200)


@blp.route("/<int:follow_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
def delete_follow(follow_id: int):
    """Stop following (only one's own follows)."""
    api_write(services.unfollow, follow_id)
