"""`flask search ...`: rebuild, update (optionally as a watcher), verify, prune."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.search import indexing


@click.group("search")
def search_cli() -> None:
    """Maintain this host's search index."""


@search_cli.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Rebuild the index from the database, then apply changes made meanwhile."""
    with Session(db.engine) as session:
        total = indexing.count_public(session)
    with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
        try:
            count = indexing.rebuild(wait=60.0, progress=bar.update)
        except indexing.IndexBusy as error:
            raise click.ClickException(str(error)) from None
    result = indexing.apply_pending_changes(wait=60.0)
    click.echo(f"indexed {count} documents; applied {result.applied} later changes")


def _update_once(wait: float) -> indexing.ApplyResult | None:
    try:
        return indexing.apply_pending_changes(wait=wait, rebuild_if_needed=True)
    except indexing.IndexBusy:
        return None


@search_cli.command("update")
@click.option("--watch", is_flag=True, help="Keep running, applying new changes as they come.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between checks.")
@click.option(
    "--stop-after", type=float, default=None, help="With --watch: stop after this many seconds."
)
@with_appcontext
def update_command(watch: bool, interval: float, stop_after: float | None) -> None:
    """Apply pending changes from the change log (builds the index if there is none)."""
    started = time.monotonic()
    while True:
        result = _update_once(wait=60.0 if not watch else interval)
        if result is None:
            click.echo("the index is busy; try again", err=True)
            if not watch:
                raise SystemExit(1)
        elif result.rebuilt or result.applied or not watch:
            what = "rebuilt the index; " if result.rebuilt else ""
            click.echo(f"{what}applied {result.applied} changes")
        if not watch or (stop_after is not None and time.monotonic() - started >= stop_after):
            return
        time.sleep(interval)


@search_cli.command("verify")
@click.option("--limit", default=20, show_default=True, help="Documents to name per kind.")
@with_appcontext
def verify_command(limit: int) -> None:
    """Compare the index with the database; exit 1 naming what differs."""
    drift = indexing.verify()
    if drift.pending:
        click.echo(f"{drift.pending} changes not applied yet (run `flask search update`)")
    if drift.clean:
        click.echo("the search index matches the database")
        return
    if drift.problem:
        click.echo(f"problem: {drift.problem}")
    for label, ids in (
        ("missing from the index", drift.missing),
        ("in the index but not public", drift.extra),
        ("out of date in the index", drift.stale),
    ):
        if ids:
            shown = ", ".join(ids[:limit]) + (" …" if len(ids) > limit else "")
            click.echo(f"{len(ids)} {label}: {shown}")
    raise SystemExit(1)


@search_cli.command("prune")
@click.option("--older-than", "days", type=float, required=True, help="Age in days.")
@with_appcontext
def prune_command(days: float) -> None:
    """Delete change-log rows older than DAYS (keep them longer than any host may be down)."""
    if days < 0:
        raise click.BadParameter("must not be negative", param_hint="--older-than")
    count = indexing.prune(days)
    db.session.commit()
    click.echo(f"deleted {count} change-log rows")
