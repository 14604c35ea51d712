"""The JSON API v1 (flask-smorest): shared pieces (tokens and guards, pagination, errors,
conditional GETs, the docs page). Each feature keeps its own resource module,
`portal/<feature>/api.py`, with thin handlers over that feature's services, and plugs it in
here with `register_api_blueprint(blp)`.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Blueprint

from portal.extensions import api, csrf

API_PREFIX = "/api/v1"

API_DESCRIPTION = """\
Public data of the portal (organisations, standards, ...) and, with a token, everything the
user may do in the browser.

**Authentication.** Create a token on the account page (/account/tokens) or with
`flask --app wsgi users token EMAIL --name NAME [--write]` and send it as
`Authorization: Bearer <token>`. Read tokens may only read; writes need a token created with
write access. A missing, invalid, expired or revoked token answers 401; a read-only token on a
write, or a user without permission, 403. Browser sessions work too; their writes must send
the CSRF token in an `X-CSRFToken` header.

**Pagination.** Lists answer `{"items": [...], "page": 1, "per_page": 20, "total": 123}`;
`per_page` is at most 100. The `Link` header points to the first, last, previous and next pages.

**Errors** are JSON: `{"code": 404, "status": "Not Found", "message": "..."}`; a 422 also has
`errors` naming each invalid field.

**Language.** Messages (`message`, and every message in `errors`, the schema's own format
checks such as `Not a valid integer.` included) are in the language of the request's
`Accept-Language`: English (`en`, also the default) or Swedish (`sv`); `Content-Language` names
it. `status` is always the English reason phrase.

**Vocabulary.** Fields and parameters say `organization`; an organization is named by its slug
or its four-digit municipality code wherever one is asked for (`gotland` or `0980`). A list
parameter takes its values comma-separated (`orgs=gotland,vallentuna`), repeated
(`orgs=gotland&orgs=vallentuna`) or both. JSON is UTF-8 with å, ä and ö as themselves.

**Caching.** Reads answer `ETag` (and `Last-Modified` where known) and honour
`If-None-Match` / `If-Modified-Since` with 304. Anonymous reads allow any origin (CORS).
"""


def register_api_blueprint(blp: Blueprint) -> None:
    """Register an API blueprint: documented, and exempt from form CSRF (see auth.py)."""
    csrf.exempt(blp)
    api.register_blueprint(blp)


def init_api(app: Flask) -> None:
    """Bind flask-smorest to the app and register the API resources and the docs page."""
    from portal.api.auth import WriteAccessPlugin
    from portal.api.common import ConditionalGetPlugin, ErrorSchema
    from portal.api.conditional import ConditionalWritePlugin, init_conditional_writes

    app.config.setdefault("API_TITLE", "Portal API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {"description": API_DESCRIPTION},
            "servers": [{"url": "/"}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                    "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
                }
            },
        },
    )
    api.ERROR_SCHEMA = ErrorSchema
    plugins = [ConditionalGetPlugin(), ConditionalWritePlugin(), WriteAccessPlugin()]
    api.init_app(app, spec_kwargs={"extra_plugins": plugins})

    from portal.accounts import api as me
    from portal.api.docs import bp as docs_bp
    from portal.api.hooks import init_api_hooks

    init_api_hooks(app)
    init_conditional_writes(app, API_PREFIX)  # after the hooks: the caller is known by then
    from portal.attachments import api as attachments
    from portal.experiences import api as experiences
    from portal.follows import api as follows
    from portal.needs import api as needs
    from portal.notifications import api as notifications
    from portal.orgs import api as organizations
    from portal.plans import api as plans
    from portal.search import api as search
    from portal.standards import api as standards
    from portal.tokens import api as tokens

    modules = (organizations, standards, me, tokens, plans, experiences, attachments, needs, search)
    for module in modules:
        register_api_blueprint(module.blp)
    for module in (follows, notifications):
        register_api_blueprint(module.blp)
    app.register_blueprint(docs_bp)
