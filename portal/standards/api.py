"""/api/v1/standards: the catalogue of standards, regulations and national solutions."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from portal.api.common import (
    LINK_HEADER,
    NamedRefSchema,
    PaginationArgsSchema,
    UtcDateTime,
    page_schema,
    paginated,
    text_field,
)
from portal.api.resources import api_blueprint, item_route
from portal.standards import services
from portal.standards.models import Standard, StandardKind

blp = api_blueprint(
    "api_standards",
    __name__,
    "The catalogue of standards, regulations, specifications and national solutions.",
    prefix="/standards",
    tag="Standards",
)


class StandardSchema(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.Enum(StandardKind, by_value=True, required=True)
    owner = fields.Nested(
        NamedRefSchema,
        allow_none=True,
        metadata={"description": "The owning organisation when it is on the portal."},
    )
    owner_name = fields.String(allow_none=True, metadata={"description": "Else the owner's name."})
    version = fields.String(allow_none=True)
    in_force = fields.Date(allow_none=True)
    url = fields.String(allow_none=True)
    description = fields.String(allow_none=True, metadata={"description": "Markdown."})
    updated_at = UtcDateTime(required=True)


StandardPageSchema = page_schema(StandardSchema, "StandardPage")


class StandardFilterSchema(PaginationArgsSchema):
    kind = fields.Enum(StandardKind, by_value=True, load_default=None)
    q = text_field(100, load_default=None, metadata={"description": "Words in the name."})


@blp.route("")
@blp.arguments(StandardFilterSchema, location="query")
@blp.response(200, StandardPageSchema, headers={"Link": LINK_HEADER})
def list_standards(args: dict):
    """List standards, optionally of one kind or matching words."""
    page = services.list_standards(
        services.StandardFilter(kind=args.get("kind"), q=args.get("q")),
        page=args["page"],
        per_page=args["per_page"],
    )
    return paginated(page)


@item_route(blp, "/<slug>", StandardSchema)
def get_standard(slug: str) -> Standard:
    """Get one standard by its slug."""
    return services.get_standard(slug)
