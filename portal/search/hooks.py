"""Keep the index current after each committed request (best effort: the log never forgets)."""

from __future__ import annotations

import logging

from flask import Flask, current_app

from portal.cache import no_shared_cache
from portal.extensions import db
from portal.search import indexing
from portal.search.changes import CHANGED_FLAG

log = logging.getLogger(__name__)


def catch_up(
    *, wait: float | None = None, max_batches: int | None = None, light: bool = False
) -> bool:
    """Apply pending changes; on any failure log it and leave the rest to the next run.

    Return whether the index now holds every committed change.
    """
    try:
        return indexing.apply_pending_changes(
            wait=wait, max_batches=max_batches, allow_type_refresh=not light
        ).caught_up
    except indexing.IndexBusy:
        log.info("search index busy; pending changes are applied by the next run")
    except indexing.IndexNeedsRebuild as error:
        log.warning("search index needs `flask search rebuild`: %s", error)
    except Exception:
        # The change is committed and logged; a failing index must not fail the request.
        log.exception("applying search changes failed; the next run catches up")
    return False


def catch_up_before_search() -> None:
    """Bring this host's index up to date with changes made on other hosts, if nobody is
    writing right now (never wait: readers do not block). An answer from an index that may lag
    behind the content generation is kept out of the shared cache."""
    if not current_app.config.get("SEARCH_INDEX_ON_COMMIT", True):
        no_shared_cache()  # only the watcher updates the index: it may lag behind
    elif not catch_up(wait=0, max_batches=1, light=True):
        no_shared_cache()


def after_request_commit(app: Flask, **_: object) -> None:
    if not db.session.info.pop(CHANGED_FLAG, False):
        return
    if current_app.config.get("SEARCH_INDEX_ON_COMMIT", True):
        catch_up()


def init_app(app: Flask) -> None:
    from portal.core.requests import request_committed

    request_committed.connect(after_request_commit, app)
