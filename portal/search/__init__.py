"""Full-text search over public content with Whoosh, kept in step with a database change log."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the sources, the change listeners, the after-commit hook and the blueprint."""
    from portal.search import cli, content, hooks, sources
    from portal.search.changes import install_listeners
    from portal.search.views import bp

    sources.register_sources()
    content.register_content_sources()
    install_listeners()
    hooks.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(cli.search_cli)
