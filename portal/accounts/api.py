"""/api/v1/me: the authenticated user and their memberships."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from portal.accounts import services as accounts
from portal.accounts.models import EmailNotifications, User
from portal.api.auth import authenticated, require_user
from portal.api.common import text_field
from portal.api.resources import api_blueprint
from portal.orgs.models import MembershipStatus, OrganisationKind, Role
from portal.orgs.services import memberships_of

EMAIL_NOTIFICATIONS_DESCRIPTION = (
    "How often notifications are mailed: immediately (one mail each), a daily or weekly "
    "digest, or never."
)

blp = api_blueprint(
    "api_me",
    __name__,
    "The authenticated user.",
    prefix="/me",
    tag="Current user",
)


class MembershipOrganizationSchema(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.Enum(OrganisationKind, by_value=True, required=True)


class MembershipSchema(ma.Schema):
    organization = fields.Nested(
        MembershipOrganizationSchema, required=True, attribute="organisation"
    )
    role = fields.Enum(Role, by_value=True, required=True)
    status = fields.Enum(
        MembershipStatus,
        by_value=True,
        required=True,
        metadata={"description": "pending until an admin of the organisation approves."},
    )


class MeSchema(ma.Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    is_site_admin = fields.Boolean(required=True)
    email_notifications = fields.Enum(
        EmailNotifications,
        by_value=True,
        required=True,
        metadata={"description": EMAIL_NOTIFICATIONS_DESCRIPTION},
    )
    memberships = fields.List(fields.Nested(MembershipSchema), required=True)


class MeUpdateSchema(ma.Schema):
    name = text_field(200)
    email_notifications = fields.Enum(
        EmailNotifications, by_value=True, metadata={"description": EMAIL_NOTIFICATIONS_DESCRIPTION}
    )


@blp.route("")
@authenticated
@blp.response(200, MeSchema)
def get_me():
    """Show the authenticated user with their memberships."""
    return _me(require_user())


@blp.route("", methods=["PATCH"])
@blp.arguments(MeUpdateSchema)
@blp.response(200, MeSchema)
def update_me(data: dict):
    """Change the authenticated user's display name and how often they are mailed their
    notifications; only the fields given change."""
    return _me(
        accounts.update_profile(
            require_user(),
            data.get("name"),
            email_notifications=data.get("email_notifications"),
        )
    )


def _me(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "is_site_admin": user.is_site_admin,
        "email_notifications": user.email_notifications,
        "memberships": memberships_of(user),
    }
