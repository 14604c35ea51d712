"""`flask search rebuild|update|verify|prune`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from whoosh import index as whoosh_index

from portal.core.models import utcnow
from portal.extensions import db
from portal.search import indexing
from portal.search.models import SearchChange
from tests.search.support import add_org

pytestmark = pytest.mark.usefixtures("search_index")


def test_rebuild_shows_progress_and_gives_a_clean_index(runner, search_index):
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Indexing" in result.output and "indexed" in result.output
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_update_builds_a_missing_index(app, runner, tmp_path):
    app.config["SEARCH_INDEX_DIR"] = str(tmp_path / "new-host")
    result = runner.invoke(args=["search", "update"])
    assert result.exit_code == 0, result.output
    assert "rebuilt the index" in result.output
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_update_watch_applies_changes_then_stops(app, runner, ctx):
    add_org("Bevakad AB", "Ord: bevakadxyz.")
    result = runner.invoke(
        args=["search", "update", "--watch", "--interval", "0.05", "--stop-after", "0.2"]
    )
    assert result.exit_code == 0, result.output
    assert "applied 1 changes" in result.output


def test_verify_names_stale_extra_and_missing_documents(app, runner, ctx, search_index):
    gotland = db.session.scalar(sa.text("SELECT id FROM organisations WHERE slug = 'gotland'"))
    vallentuna = db.session.scalar(
        sa.text("SELECT id FROM organisations WHERE slug = 'vallentuna'")
    )
    # Drift behind the log's back: raw SQL writes no change-log rows.
    db.session.execute(
        sa.text("UPDATE organisations SET description = 'ändrad' WHERE id = :i"), {"i": gotland}
    )
    db.session.execute(
        sa.text("UPDATE organisations SET verified = false WHERE id = :i"), {"i": vallentuna}
    )
    db.session.commit()
    ix = whoosh_index.open_dir(search_index)
    with ix.writer() as writer:
        writer.delete_by_term("id", "standard:1")
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 1
    assert f"out of date in the index: organisation:{gotland}" in result.output
    assert f"in the index but not public: organisation:{vallentuna}" in result.output
    assert "missing from the index: standard:1" in result.output
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_prune_deletes_old_rows_but_keeps_the_newest(runner, ctx):
    old = utcnow() - timedelta(days=40)
    db.session.execute(sa.update(SearchChange).values(created_at=old))
    db.session.commit()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(SearchChange))
    result = runner.invoke(args=["search", "prune", "--older-than", "30"])
    assert result.exit_code == 0, result.output
    assert f"deleted {total - 1} change-log rows" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchChange)) == 1


def test_host_behind_a_prune_rebuilds_instead_of_missing_changes(app, runner, ctx, search_index):
    cursor = indexing.Cursor.read(Path(search_index))
    add_org("Missad AB", "Ord: missadxyz.")
    add_org("Senare AB", "Ord: senarexyz.")
    db.session.execute(sa.update(SearchChange).values(created_at=utcnow() - timedelta(days=40)))
    db.session.commit()
    assert runner.invoke(args=["search", "prune", "--older-than", "30"]).exit_code == 0
    assert indexing.Cursor.read(Path(search_index)).last_id == cursor.last_id
    result = runner.invoke(args=["search", "update"])
    assert result.exit_code == 0, result.output
    assert "rebuilt the index" in result.output
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
