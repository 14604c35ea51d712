"""/api/v1/docs: interactive API documentation (Swagger UI), every asset served by the portal."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")

# Only what the page loads; nothing else from the package directory is reachable.
_ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css"})


@bp.get("")
def docs():
    """Show the API documentation, readable without JavaScript, interactive with it."""
    return render_template("api/docs.html")


@bp.get("/assets/<name>")
def asset(name: str):
    """Serve one Swagger UI file from the swagger-ui-bundle package."""
    if name not in _ASSETS:
        abort(404)
    return send_from_directory(Path(swagger_ui_path), name, max_age=86400)
