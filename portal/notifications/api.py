"""/api/v1/me/notifications: what the authenticated user was told of."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from portal.api.auth import authenticated, require_user
from portal.api.common import (
    PaginationArgsSchema,
    UtcDateTime,
    api_write,
    id_field,
    page_schema,
    paginated,
)
from portal.api.resources import api_blueprint
from portal.core.pagination import Page
from portal.notifications import services
from portal.notifications.models import NotificationKind

blp = api_blueprint(
    "api_notifications",
    __name__,
    "The authenticated user's notifications: what happened to what they follow, to their "
    "organisations' needs and experiences, and to membership requests. Only notifications "
    "about what the user may see now are listed.",
    prefix="/me/notifications",
    tag="Notifications",
)


class NotificationSchema(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.Enum(NotificationKind, by_value=True, required=True)
    title = fields.String(
        required=True, metadata={"description": "What happened, in the request's language."}
    )
    url = fields.String(required=True, metadata={"description": "The page it is about (a path)."})
    read = fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)


NotificationPageSchema = page_schema(NotificationSchema, "NotificationPage")


class NotificationArgsSchema(PaginationArgsSchema):
    unread = fields.Boolean(
        load_default=False, metadata={"description": "Only unread notifications."}
    )


class MarkReadSchema(ma.Schema):
    ids = fields.List(
        id_field(),
        load_default=None,
        validate=ma.validate.Length(max=1000),
        metadata={"description": "The notifications to mark as read; all when empty or absent."},
    )


class MarkedSchema(ma.Schema):
    marked = fields.Integer(required=True, metadata={"description": "How many changed."})


@blp.route("")
@authenticated
@blp.arguments(NotificationArgsSchema, location="query")
@blp.response(200, NotificationPageSchema)
def list_notifications(args: dict):
    """List the authenticated user's notifications, newest first."""
    page = services.notification_page(
        require_user(), args["page"], args["per_page"], unread_only=args["unread"]
    )
    views = [services.describe(n) for n in page.items]
    return paginated(Page(items=views, page=page.page, per_page=page.per_page, total=page.total))


@blp.route("/read", methods=["POST"])
@blp.arguments(MarkReadSchema)
@blp.response(200, MarkedSchema)
def mark_read(data: dict):
    """Mark notifications as read: those in `ids` (others' ids are ignored), or all."""
    return {"marked": api_write(services.mark_read, data.get("ids"))}
