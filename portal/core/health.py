"""`/healthz`: is this instance able to serve? (for load balancers and monitoring)"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from portal.extensions import db

bp = Blueprint("health", __name__)


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except Exception:  # any failure means "not healthy"; the details go to the log only
        current_app.logger.exception("Health check: the database does not answer")
        db.session.rollback()
        return "error"
    return "ok"


def _check_search_index() -> str:
    directory = Path(current_app.config["SEARCH_INDEX_DIR"])
    if not directory.is_dir():
        current_app.logger.error("Health check: the search index directory is missing")
        return "missing"
    if not os.access(directory, os.R_OK | os.X_OK):
        current_app.logger.error("Health check: the search index directory is not readable")
        return "unreadable"
    return "ok"


@bp.get("/healthz")
def healthz():
    """Report whether the database answers and the search index directory is readable."""
    checks = {"database": _check_database(), "search_index": _check_search_index()}
    healthy = all(value == "ok" for value in checks.values())
    response = jsonify({"status": "ok" if healthy else "error", "checks": checks})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
