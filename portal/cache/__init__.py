"""The shared cache of anonymous GETs of pages and API reads (README "Caching")."""

from __future__ import annotations

from flask import Flask

from portal.cache.shared import SharedCache, SharedCacheMiddleware, mark_shareable, no_shared_cache

__all__ = ["init_shared_cache", "no_shared_cache"]

DISABLED = ("NullCache", "null")


def init_shared_cache(app: Flask) -> None:
    """Watch commits for content changes; serve and store anonymous answers unless disabled."""
    from portal.cache import cli, generation
    from portal.extensions import cache

    generation.install_listeners()
    app.after_request(mark_shareable)
    app.cli.add_command(cli.cache_cli)
    if app.config["CACHE_TYPE"] in DISABLED:
        return
    cache.init_app(app)
    backend = app.extensions["cache"][cache]
    shared = SharedCache(app, backend, redis=app.config["CACHE_TYPE"] == "RedisCache")
    app.extensions["shared_cache"] = shared
    app.wsgi_app = SharedCacheMiddleware(app, app.wsgi_app, shared)  # type: ignore[method-assign]
