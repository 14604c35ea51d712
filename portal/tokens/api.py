"""/api/v1/tokens: the authenticated user's API tokens (listing and revoking; never secrets)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from portal.api.auth import authenticated, require_user
from portal.api.common import UtcDateTime
from portal.api.resources import api_blueprint
from portal.tokens import services
from portal.tokens.models import TokenScope

blp = api_blueprint(
    "api_tokens",
    __name__,
    "The authenticated user's API tokens. New tokens are created on the account page.",
    prefix="/tokens",
    tag="API tokens",
)


class TokenSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(
        required=True, metadata={"description": "The secret's first characters."}
    )
    scope = fields.Enum(
        TokenScope,
        by_value=True,
        required=True,
        metadata={"description": "read: reads only; write: reads and writes."},
    )
    created_at = UtcDateTime(required=True)
    expires_at = UtcDateTime(allow_none=True)
    last_used_at = UtcDateTime(allow_none=True)
    revoked_at = UtcDateTime(allow_none=True)


@blp.route("")
@authenticated
@blp.response(200, TokenSchema(many=True))
def list_tokens():
    """List the authenticated user's tokens, newest first."""
    return services.list_tokens(require_user())


@blp.route("/<int:token_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
def revoke_token(token_id: int):
    """Revoke one of the authenticated user's tokens (a token may revoke itself)."""
    user = require_user()
    services.revoke_token(user, services.get_token(user, token_id))
