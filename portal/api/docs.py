"""/api/v1/docs: interactive API documentation (Swagger UI 5, vendored in
portal/static/vendor/swagger-ui and served by the portal itself)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")


@bp.get("")
def docs():
    """Show the API documentation, readable without JavaScript, interactive with it."""
    return render_template("api/docs.html")
