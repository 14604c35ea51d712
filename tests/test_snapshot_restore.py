"""The suite's per-test restore puts back exactly the reference data, whatever a test wrote."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db


def _rows() -> dict[str, list[str]]:
    """Every row of every table, in a fixed order (a database may hand them back in any)."""
    return {
        t.name: sorted(repr(dict(r._mapping)) for r in db.session.execute(t.select()))
        for t in db.metadata.sorted_tables
    }


def _snapshot_rows(snapshot) -> dict[str, list[str]]:
    return {name: sorted(repr(row) for row in rows) for name, rows in snapshot.rows.items()}


def test_restore_undoes_writes_through_the_orm_and_raw_sql(app, make_user):
    snapshot = app.extensions["test_snapshot"]
    with app.app_context():
        assert _rows() == _snapshot_rows(snapshot)
    make_user("restore@example.org", "Återställd", member_of="gotland", role="admin")
    with app.app_context():
        db.session.execute(sa.text("UPDATE organisations SET description = 'x'"))
        db.session.execute(sa.text("UPDATE counties SET name = name || ' x'"))
        db.session.commit()
        assert {"users", "memberships", "organisations", "counties"} <= snapshot.written
        snapshot.restore()
        assert not snapshot.written
        assert _rows() == _snapshot_rows(snapshot)
        db.session.remove()


def test_a_test_that_only_reads_restores_nothing(app, client):
    snapshot = app.extensions["test_snapshot"]
    assert client.get("/plans").status_code == 200
    assert not snapshot.written
