"""`flask cache clear`: a new content generation, for changes the portal did not make itself."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db

cache_cli = AppGroup("cache", help="The shared cache of anonymous pages and API reads.")


@cache_cli.command("clear")
def clear_command() -> None:
    """Start a new content generation (after a restore, an import or an edit by hand in SQL)."""
    from portal.cache.generation import bump, publish

    token = bump(db.session)
    db.session.commit()
    shared = current_app.extensions.get("shared_cache")
    if shared is not None:
        shared.clear()  # entries (and a Redis generation) go; the new token follows
    publish(token)
    click.echo(f"content generation {token}")
