"""Never loses an update: a failed index write after the commit is caught up by the next run."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.orgs.models import Organisation
from portal.search import indexing
from portal.search.services import search
from tests.search.support import add_org, index_now, titles

pytestmark = pytest.mark.usefixtures("search_index")


def _register_and_verify(app, client, make_user, login_as, name: str, description: str) -> str:
    admin = make_user("admin@example.com", site_admin=True)
    login_as(admin)
    response = client.post(
        "/organizations/new", data={"name": name, "kind": "supplier", "description": description}
    )
    assert response.status_code == 302
    with app.app_context():
        slug = db.session.scalar(sa.select(Organisation.slug).where(Organisation.name == name))
    response = client.post(f"/organizations/{slug}/verify")
    assert response.status_code == 302
    return slug


def _find(app, text: str) -> list[str]:
    with app.test_request_context():
        return titles(search(text))


def test_index_write_failing_after_commit_is_caught_up_by_next_run(
    app, client, make_user, login_as, runner, monkeypatch
):
    def broken_disk(writer, **kwargs):
        writer.cancel()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(indexing, "_commit", broken_disk)
    _register_and_verify(app, client, make_user, login_as, "Återhämtning AB", "Ord: vqzaterkomst.")
    # The request succeeded and the change is committed, but the index did not get it.
    assert _find(app, "vqzaterkomst") == []
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 1
    assert "missing from the index" in result.output and "organisation:" in result.output

    monkeypatch.undo()
    result = runner.invoke(args=["search", "update"])
    assert result.exit_code == 0, result.output
    assert _find(app, "vqzaterkomst") == ["Återhämtning AB"]
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 0, result.output
    assert "matches the database" in result.output


def test_crash_after_index_commit_before_cursor_write_reapplies_idempotently(
    app, ctx, monkeypatch, search_index
):
    add_org("Dubbel AB", "Ord: dubbelxyz.")
    cursor_before = json.loads((Path(search_index) / indexing.CURSOR_FILE).read_text())

    def crash(self, directory):
        raise RuntimeError("power cut")

    monkeypatch.setattr(indexing.Cursor, "write", crash)
    with pytest.raises(RuntimeError):
        index_now()
    monkeypatch.undo()
    # The index got the document but the cursor did not move: applying again is harmless.
    assert json.loads((Path(search_index) / indexing.CURSOR_FILE).read_text()) == cursor_before
    index_now()
    assert titles(search("dubbelxyz")) == ["Dubbel AB"]
    assert indexing.verify().clean


def test_busy_index_never_fails_a_request_and_the_next_run_catches_up(
    app, client, make_user, login_as, search_index
):
    app.config["SEARCH_LOCK_TIMEOUT"] = 0.2
    held = threading.Event()
    release = threading.Event()

    def hold_lock():
        with indexing.writer_lock(Path(search_index), 1):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert held.wait(5), "the other writer never took the index lock"
        _register_and_verify(app, client, make_user, login_as, "Upptaget AB", "Ord: upptagetxyz.")
        # Searching while the writer is busy does not wait and does not fail; it cannot have
        # applied the new organisation yet, since the index is still locked.
        started = time.monotonic()
        page = client.get("/search?q=upptagetxyz")
        assert page.status_code == 200
        assert time.monotonic() - started < 5
        assert "Upptaget AB" not in page.get_data(as_text=True)
        assert holder.is_alive()  # the lock was held all along
    finally:
        release.set()
        holder.join(10)
        assert not holder.is_alive()
        app.config["SEARCH_LOCK_TIMEOUT"] = 5.0
    # The next search on this host applies what is pending before it reads.
    assert "Upptaget AB" in client.get("/search?q=upptagetxyz").get_data(as_text=True)


def test_lock_wait_is_bounded(search_index):
    with (
        indexing.writer_lock(Path(search_index), 1),
        pytest.raises(indexing.IndexBusy),
        indexing.writer_lock(Path(search_index), 0.1),
    ):
        pass


def test_late_committing_transaction_is_not_skipped(ctx, search_index):
    """An id handed out before another but committed after it (PostgreSQL) is still applied."""
    first = add_org("Tidig AB", "Ord: tidigxyz.")
    index_now()
    cursor = indexing.Cursor.read(Path(search_index))
    # Simulate: the log row for "Sen AB" has an id below the cursor's, committed later.
    org = Organisation(name="Sen AB", slug="sen-ab", kind="supplier", verified=True)
    db.session.add(org)
    db.session.flush()
    late_id = cursor.last_id + 1
    db.session.execute(
        sa.text(
            "UPDATE search_changes SET id = :new WHERE id = (SELECT MAX(id) FROM search_changes)"
        ),
        {"new": late_id + 5},
    )
    db.session.commit()
    index_now()  # applies id late_id+5; ids late_id..late_id+4 become gaps
    cursor = indexing.Cursor.read(Path(search_index))
    assert set(range(late_id, late_id + 5)) <= set(cursor.gaps)
    # Now the "slow" transaction commits a change with a gap id.
    db.session.execute(
        sa.text(
            "INSERT INTO search_changes (id, doc_type, doc_key, created_at) "
            "VALUES (:id, 'organisation', :key, CURRENT_TIMESTAMP)"
        ),
        {"id": late_id, "key": str(first)},
    )
    # Changed behind the ORM's back, so only the late log row tells the indexer about it.
    db.session.execute(
        sa.text("UPDATE organisations SET description = 'Ord: sentxyz.' WHERE id = :id"),
        {"id": first},
    )
    db.session.commit()
    index_now()
    assert titles(search("sentxyz")) == ["Tidig AB"]
    assert late_id not in indexing.Cursor.read(Path(search_index)).gaps


def test_restored_database_behind_the_index_asks_for_a_rebuild(ctx, search_index):
    cursor = indexing.Cursor.read(Path(search_index))
    cursor.last_id += 1000
    cursor.write(Path(search_index))
    with pytest.raises(indexing.IndexNeedsRebuild):
        indexing.apply_pending_changes(wait=1)
    result = indexing.apply_pending_changes(wait=1, rebuild_if_needed=True)
    assert result.rebuilt
    assert indexing.verify().clean


def test_restored_database_that_moved_past_the_index_still_asks_for_a_rebuild(ctx, search_index):
    """A database restored from a backup, then written to until its change log's ids pass
    the index's cursor again: the ids are the same, the changes are not; none is skipped."""
    before = db.session.scalar(sa.select(sa.func.max(indexing.SearchChange.id))) or 0
    gone = add_org("Borttagen AB", "Ord: bortxyz.")
    index_now()
    cursor = indexing.Cursor.read(Path(search_index))
    assert cursor.last_id > before and titles(search("bortxyz")) == ["Borttagen AB"]
    # The restore: the organisation and its log rows are gone, as in the backup.
    db.session.execute(sa.delete(indexing.SearchChange).where(indexing.SearchChange.id > before))
    db.session.execute(sa.delete(Organisation).where(Organisation.id == gone))
    db.session.commit()
    # Then new work fills the same ids, and more.
    new = add_org("Efteråt AB", "Ord: eftxyz.")
    existing = set(db.session.scalars(sa.select(indexing.SearchChange.id)))
    for change_id in range(before + 1, cursor.last_id + 2):
        if change_id not in existing:
            db.session.execute(
                sa.text(
                    "INSERT INTO search_changes (id, doc_type, doc_key, created_at) "
                    "VALUES (:id, 'organisation', :key, CURRENT_TIMESTAMP)"
                ),
                {"id": change_id, "key": str(new)},
            )
    db.session.commit()
    with pytest.raises(indexing.IndexNeedsRebuild, match="not the one this index applied"):
        indexing.apply_pending_changes(wait=1)
    assert indexing.apply_pending_changes(wait=1, rebuild_if_needed=True).rebuilt
    assert titles(search("eftxyz")) == ["Efteråt AB"]
    assert titles(search("bortxyz")) == []
