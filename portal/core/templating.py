"""Template globals and filters shared by every page."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from portal.core.charts import PALETTE
from portal.core.formats import (
    format_day,
    format_file_size,
    format_moment,
    format_number,
    format_sek,
)
from portal.core.markdown import render_markdown

# The main areas, in menu order; an area appears once its blueprint is registered.
NAVIGATION = [
    ("plans.index", _l("Action plans")),
    ("experiences.index", _l("Experiences")),
    ("needs.index", _l("Adaptation needs")),
    ("standards.index", _l("Standards")),
    ("orgs.index", _l("Organisations")),
    ("search.index", _l("Search")),
    ("api_docs.docs", _l("API")),
]


KIND_LABELS = {
    "municipality": _l("Municipality"),
    "authority": _l("Authority"),
    "supplier": _l("System supplier"),
    "other": _l("Other organisation"),
}
ROLE_LABELS = {"member": _l("Member"), "editor": _l("Editor"), "admin": _l("Admin")}


def kind_label(kind: object) -> str:
    return str(KIND_LABELS.get(getattr(kind, "value", kind), kind))


def role_label(role: object) -> str:
    return str(ROLE_LABELS.get(getattr(role, "value", role), role))


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def main_navigation() -> list[tuple[str, object]]:
    return [(endpoint, label) for endpoint, label in NAVIGATION if has_endpoint(endpoint)]


def init_templating(app: Flask) -> None:
    app.jinja_env.globals.update(
        has_endpoint=has_endpoint,
        kind_label=kind_label,
        role_label=role_label,
        main_navigation=main_navigation,
        chart_colours=PALETTE,
        current_locale=lambda: str(get_locale() or "sv"),
    )
    app.jinja_env.filters["markdown"] = render_markdown
    # Every number, amount and date on a page goes through these (portal/core/formats.py);
    # they replace Flask-Babel's own date filters of the same name.
    app.jinja_env.filters.update(
        number=format_number,
        sek=format_sek,
        dateformat=format_day,
        datetimeformat=format_moment,
        filesize=format_file_size,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
