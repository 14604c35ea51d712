"""`export` / `import`: all content as JSON; export -> import into an empty database -> export
gives the same bytes."""

from __future__ import annotations

import json

import sqlalchemy as sa
from markupsafe import escape

from portal.extensions import db
from tests.conftest import PASSWORD


def empty_database(app) -> None:
    """Leave the migrated schema with no rows at all (as after `db upgrade`, before `seed`)."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # As fresh as after `db upgrade`: the id sequences start again at 1.
                names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())


def add_content(app, make_user, login_as, client) -> None:
    admin = make_user(
        "åsa@example.com", 'Åsa Öberg "quoted" <b>', member_of="gotland", role="admin"
    )
    make_user("bo@example.com", "Bo", site_admin=True)
    login_as(admin)
    client.post(
        "/organizations/new",
        data={
            "name": "Exempel GIS AB",
            "kind": "supplier",
            "website": "https://gis.example",
            "description": "Kartor & *data*\n\n- ett\n- två 🗺️",
        },
    )
    client.post("/organizations/vallentuna/join", data={"message": "Hej!\nNy rad"})


def add_every_kind_of_content(app, runner, make_user, login_as, client) -> str:
    """Demo content (plans with revisions, experiences with comments and tags, needs with
    backings and supplier answers with versions), a token, and the accounts above; return the
    token's secret."""
    from portal.accounts.models import User
    from portal.tokens.services import create_token

    add_content(app, make_user, login_as, client)
    result = runner.invoke(args=["seed", "--demo"])
    assert result.exit_code == 0, result.output
    from portal.attachments import services as attachments
    from portal.experiences.models import Experience
    from tests.attachments.files import pdf

    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.email == "åsa@example.com"))
        _token, secret = create_token(owner, name="Överföring", write=True)
        site_admin = db.session.scalar(sa.select(User).where(User.email == "bo@example.com"))
        experience = db.session.scalars(sa.select(Experience).order_by(Experience.id)).first()
        upload = attachments.Upload("Beslut å.pdf", pdf("Beslut"), title="Bilaga")
        attachments.add_attachment(site_admin, attachments.EXPERIENCES, experience, upload)
        db.session.commit()
    return secret


def test_export_import_export_is_byte_identical(
    app, runner, make_user, login_as, client, tmp_path, search_index
):
    secret = add_every_kind_of_content(app, runner, make_user, login_as, client)
    with app.app_context():
        pending_search_changes = db.session.scalar(sa.text("SELECT count(*) FROM search_changes"))
    assert pending_search_changes > 0  # the seed wrote to the change log ...
    first = tmp_path / "first.json"
    result = runner.invoke(args=["export", str(first)])
    assert result.exit_code == 0, result.output
    data = json.loads(first.read_text(encoding="utf-8"))
    tables = {t["name"]: t for t in data["tables"]}
    assert "search_changes" not in tables  # ... which stays with the installation's index
    # Every table holds real content, so the round trip below proves each one survives.
    assert [name for name, table in tables.items() if not table["rows"]] == []
    users = tables["users"]
    assert [row[users["columns"].index("email")] for row in users["rows"]][:2] == [
        "åsa@example.com",
        "bo@example.com",
    ]
    assert len(tables["organisations"]["rows"]) > 300  # the reference data is content too
    memberships = tables["memberships"]
    assert {row[memberships["columns"].index("status")] for row in memberships["rows"]} == {
        "active",
        "pending",
    }

    empty_database(app)
    result = runner.invoke(args=["import", str(first)])
    assert result.exit_code == 0, result.output

    second = tmp_path / "second.json"
    assert runner.invoke(args=["export", str(second)]).exit_code == 0
    assert second.read_bytes() == first.read_bytes()

    # The imported accounts work, and new rows get fresh ids (sequences moved past the import).
    assert client.post("/auth/logout").status_code == 302
    login = client.post("/auth/login", data={"email": "åsa@example.com", "password": PASSWORD})
    assert login.status_code == 302
    new_user = make_user("new@example.com")
    assert new_user > max(row[0] for row in users["rows"])

    # The imported content works as content: the token authenticates, the pages show the
    # imported plans, experiences and needs, and a rebuilt search index finds them.
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json["email"] == "åsa@example.com"
    for kind, title_column in (("plans", "title"), ("experiences", "title"), ("needs", "title")):
        table = tables["adaptation_needs" if kind == "needs" else kind]
        status = table["columns"].index("status")
        row = next(r for r in table["rows"] if r[status] != "draft")
        page = client.get(f"/{kind}/{row[0]}")
        assert page.status_code == 200, kind
        title = row[table["columns"].index(title_column)]
        assert escape(title) in page.get_data(as_text=True)
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    experiences = tables["experiences"]
    published = next(
        r for r in experiences["rows"] if r[experiences["columns"].index("status")] == "published"
    )
    title = published[experiences["columns"].index("title")]
    found = client.get("/search", query_string={"q": f'"{title}"'}).get_data(as_text=True)
    assert escape(title) in found
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_import_refuses_a_database_with_content(app, runner, tmp_path):
    path = tmp_path / "export.json"
    assert runner.invoke(args=["export", str(path)]).exit_code == 0
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "not empty" in result.output


def test_import_refuses_a_file_that_is_not_an_export(app, runner, tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"hello": "world"}', encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "not a portal export" in result.output


def test_every_table_is_exported_unless_explicitly_excluded(app, runner, tmp_path):
    from portal.core.transfer import EXCLUDED_TABLES

    path = tmp_path / "export.json"
    runner.invoke(args=["export", str(path)])
    exported = [t["name"] for t in json.loads(path.read_text(encoding="utf-8"))["tables"]]
    with app.app_context():
        expected = [t.name for t in db.metadata.sorted_tables if t.name not in EXCLUDED_TABLES]
        columns = {t.name: [c.name for c in t.columns] for t in db.metadata.sorted_tables}
    assert exported == expected
    data = json.loads(path.read_text(encoding="utf-8"))
    for table in data["tables"]:
        assert table["columns"] == columns[table["name"]]


def test_values_have_one_stable_text_form(app):
    from datetime import UTC, date, datetime, timedelta, timezone

    from portal.core.transfer import _dump_value, _load_value
    from portal.orgs.models import Role

    aware = sa.Column("t", sa.DateTime(timezone=True))
    naive = sa.Column("t", sa.DateTime())
    role = sa.Column("r", sa.Enum(Role, values_callable=lambda e: [m.value for m in e]))
    stockholm = timezone(timedelta(hours=1))
    moment = datetime(2026, 1, 2, 13, 0, tzinfo=stockholm)
    assert _dump_value(aware, moment) == "2026-01-02T12:00:00+00:00"
    assert _dump_value(aware, datetime(2026, 1, 2, 12, 0)) == "2026-01-02T12:00:00+00:00"
    assert _load_value(aware, "2026-01-02T12:00:00+00:00") == moment.astimezone(UTC)
    assert _dump_value(naive, datetime(2026, 1, 2, 12, 0)) == "2026-01-02T12:00:00"
    assert _dump_value(sa.Column("d", sa.Date()), date(2026, 5, 1)) == "2026-05-01"
    assert _dump_value(role, Role.EDITOR) == "editor"
    assert _load_value(role, "editor") is Role.EDITOR
    assert _dump_value(sa.Column("j", sa.JSON()), {"b": 1, "a": [1, 2]}) == {"b": 1, "a": [1, 2]}
