"""Helpers for search tests: a per-test index copied from one built once, and content."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from portal.extensions import db

_TEMPLATE: dict[str, Path] = {}
# Queries of every kind the parser knows, for tests that compare two ways of answering them.
QUERIES = [
    "bygglov",
    "geodata",
    "plattformen",
    "geo*",
    '"digital detaljplan"',
    "bygglov geodata",
    "bygglov OR fastighetsbildning",
    "bygglov -geodata",
    "kommun",
]


def build_template(app: Flask) -> None:
    """Build, once per database, the index of the seeded reference data that every test's index
    is copied from. Called right after the database is put back to its seeded state (before a
    test's own fixtures add content), so that index and change log agree."""
    from portal.search import indexing

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri in _TEMPLATE:
        return
    before = app.config["SEARCH_INDEX_DIR"]
    template = Path(tempfile.mkdtemp(prefix="search-template-"))
    app.config["SEARCH_INDEX_DIR"] = str(template)
    try:
        with app.app_context():
            indexing.rebuild()
    finally:
        app.config["SEARCH_INDEX_DIR"] = before
    _TEMPLATE[uri] = template
    atexit.register(shutil.rmtree, template, True)


@contextmanager
def fresh_search_index(app: Flask, tmp_path: Path) -> Iterator[str]:
    """Point the app at a copy of the index of the seeded reference data (build_template)."""
    from portal.search.services import close_searchers

    before = {k: app.config[k] for k in ("SEARCH_INDEX_DIR", "SEARCH_INDEX_ON_COMMIT")}
    directory = tmp_path / "search_index"
    shutil.copytree(_TEMPLATE[app.config["SQLALCHEMY_DATABASE_URI"]], directory)
    app.config.update(SEARCH_INDEX_DIR=str(directory), SEARCH_INDEX_ON_COMMIT=True)
    try:
        yield str(directory)
    finally:
        close_searchers()
        app.config.update(before)


def add_org(
    name: str,
    description: str = "",
    *,
    verified: bool = True,
    kind=None,
    county=None,
    updated_at=None,
    commit: bool = True,
):
    """Create an organisation and commit (the change log row comes with it); return its id."""
    from portal.orgs.models import Organisation, OrganisationKind
    from portal.orgs.services import unique_slug

    org = Organisation(
        name=name,
        slug=unique_slug(name),
        kind=kind or OrganisationKind.SUPPLIER,
        description=description,
        verified=verified,
        county_code=county,
        updated_at=updated_at,
    )
    db.session.add(org)
    db.session.flush()
    if commit:
        db.session.commit()
    return org.id


def index_now() -> None:
    from portal.search.changes import CHANGED_FLAG
    from portal.search.indexing import apply_pending_changes

    apply_pending_changes(wait=10)
    db.session.info.pop(CHANGED_FLAG, None)


def titles(results) -> list[str]:
    return ["".join(s.text for s in hit.title) for hit in results.hits]
