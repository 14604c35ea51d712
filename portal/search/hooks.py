"""Keep the index current after each committed request (best effort: the log never forgets)."""

from __future__ import annotations

import logging

from flask import Flask, current_app

from portal.extensions import db
from portal.search import indexing
from portal.search.changes import CHANGED_FLAG

log = logging.getLogger(__name__)


def catch_up(
    *, wait: float | None = None, max_batches: int | None = None, light: bool = False
) -> None:
    """Apply pending changes; on any failure log it and leave the rest to the next run."""
    try:
        indexing.apply_pending_changes(
            wait=wait, max_batches=max_batches, allow_type_refresh=not light
        )
    except indexing.IndexBusy:
        log.info("search index busy; pending changes are applied by the next run")
    except indexing.IndexNeedsRebuild as error:
        log.warning("search index needs `flask search rebuild`: %s", error)
    except Exception:
        # The change is committed and logged; a failing index must not fail the request.
        log.exception("applying search changes failed; the next run catches up")


def after_request_commit(app: Flask, **_: object) -> None:
    if not db.session.info.pop(CHANGED_FLAG, False):
        return
    if current_app.config.get("SEARCH_INDEX_ON_COMMIT", True):
        catch_up()


def init_app(app: Flask) -> None:
    from portal.core.requests import request_committed

    request_committed.connect(after_request_commit, app)
