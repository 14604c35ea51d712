"""The portal: action plans, experiences and adaptation needs for samhällsbyggnadsprocessen."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from portal.config import MIGRATIONS_DIR, TEMPLATES_DIR, Config, instance_path
from portal.extensions import babel, csrf, db, login_manager, migrate


class ConfigurationError(RuntimeError):
    """The portal refuses to start with an unsafe or incomplete configuration."""


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure an instance of the portal."""
    app = Flask(
        __name__,
        template_folder=str(TEMPLATES_DIR),
        instance_path=str(instance_path()),
    )
    # JSON (API and pages) in UTF-8 as it is: "Gävle", not "G\u00e4vle".
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.from_mapping(Config().as_dict())
    if config:
        app.config.from_mapping(config)
    _check_configuration(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    from portal.core.database import init_database

    init_database(app)

    from portal.core.i18n import init_i18n

    init_i18n(app, babel)

    from portal.core.templating import init_templating

    init_templating(app)

    from portal.errors import register_error_handlers

    register_error_handlers(app)

    from portal.cache import init_shared_cache
    from portal.core.request_log import init_request_logging
    from portal.core.security import init_security

    init_request_logging(app)
    # Before init_security: its ProxyFix must wrap the cache's middleware (the key needs the
    # public host and scheme), and the cache's after_request hook must run after the others.
    init_shared_cache(app)
    init_security(app)

    from portal.core.boundary import init_boundary
    from portal.core.cache_control import init_cache_control

    init_boundary(app)  # before the blueprints: it installs the URL converters their routes use
    init_cache_control(app)

    _register_models()
    _register_blueprints(app)
    _register_cli(app)

    from portal.core.requests import init_request_handling

    init_request_handling(app)

    from portal.core.limits import init_limits

    init_limits(app)  # after the blueprints: it wraps the views that have named limits
    return app


def _check_configuration(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        if app.debug or app.testing or os.environ.get("FLASK_DEBUG") == "1":
            app.config["SECRET_KEY"] = os.urandom(32).hex()
        else:
            raise ConfigurationError(
                "SECRET_KEY is not set. Set it in the environment before starting the portal "
                "in production (for example: export SECRET_KEY=$(python3 -c "
                "'import secrets; print(secrets.token_hex(32))'))."
            )


def _register_models() -> None:
    # Import every model module so that metadata (and Alembic autogenerate) sees all tables.
    import portal.accounts.models  # noqa: F401
    import portal.attachments.models  # noqa: F401
    import portal.cache.models  # noqa: F401
    import portal.experiences.models  # noqa: F401
    import portal.follows.models  # noqa: F401
    import portal.needs.models  # noqa: F401
    import portal.notifications.models  # noqa: F401
    import portal.orgs.models  # noqa: F401
    import portal.plans.models  # noqa: F401
    import portal.search.models  # noqa: F401
    import portal.standards.models  # noqa: F401
    import portal.tokens.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.views import bp as accounts_bp
    from portal.core.health import bp as health_bp
    from portal.core.views import bp as core_bp
    from portal.experiences.views import experiences_bp
    from portal.needs.views import needs_bp
    from portal.orgs.views import bp as orgs_bp
    from portal.plans.views import bp as plans_bp
    from portal.standards.views import bp as standards_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(orgs_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(standards_bp)
    app.register_blueprint(experiences_bp)
    app.register_blueprint(needs_bp)

    from portal.follows.views import bp as follows_bp
    from portal.notifications.views import bp as me_bp

    app.register_blueprint(follows_bp)
    app.register_blueprint(me_bp)
    from portal.attachments.views import bp as attachments_bp

    app.register_blueprint(attachments_bp)

    import portal.search

    portal.search.init_app(app)

    from portal.tokens.views import bp as tokens_bp

    app.register_blueprint(tokens_bp)

    # The JSON API (flask-smorest) under /api/v1; features add theirs with register_api_blueprint.
    from portal.api import init_api

    init_api(app)
    app.register_blueprint(health_bp)

    from portal.api import register_api_blueprint
    from portal.compare.api import blp as compare_api_blp
    from portal.compare.views import bp as compare_bp

    app.register_blueprint(compare_bp)
    register_api_blueprint(compare_api_blp)

    from portal.dcat.views import bp as dcat_bp

    app.register_blueprint(dcat_bp)

    from portal.feeds.views import bp as feeds_bp

    app.register_blueprint(feeds_bp)

    from portal.notifications.preferences import bp as mail_preferences_bp

    app.register_blueprint(mail_preferences_bp)


def _register_cli(app: Flask) -> None:
    from portal.cli import seed_command, users_cli

    app.cli.add_command(seed_command)
    app.cli.add_command(users_cli)

    from portal.notifications.cli import notify_cli

    app.cli.add_command(notify_cli)

    from portal.core.transfer import init_transfer

    init_transfer(app)
