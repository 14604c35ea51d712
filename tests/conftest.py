"""Shared fixtures: the app on a migrated, seeded database; clients; factories; query counting."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.cache.generation import written_table
from portal.extensions import db

PASSWORD = "correct horse battery"


def worker_database_url(url: str, suffix: str = "") -> str:
    """The database of this xdist worker on the server of `url`: `test` becomes `test_gw0`
    (and `test_gw0<suffix>`), so that two workers never share one. Outside xdist, `url` itself
    (plus `suffix`)."""
    from sqlalchemy.engine import make_url

    base = make_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = "_".join(part for part in (base.database, worker) if part) + suffix
    return base.set(database=name).render_as_string(hide_password=False)


def create_database_if_missing(given: str, wanted: str) -> None:
    """Create the PostgreSQL database of `wanted`, connecting through the server of `given`
    (its own database, or `postgres` when that does not exist yet)."""
    from sqlalchemy.engine import make_url

    name = make_url(wanted).database
    last_error: Exception | None = None
    for maintenance in (make_url(given).database, "postgres"):
        engine = sa.create_engine(
            make_url(given).set(database=maintenance), isolation_level="AUTOCOMMIT"
        )
        try:
            with engine.connect() as conn:
                exists = conn.scalar(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
                )
                if not exists:
                    conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
                return
        except sa.exc.OperationalError as error:  # the given database does not exist yet
            last_error = error
        finally:
            engine.dispose()
    raise RuntimeError(f"cannot create the test database {name!r}") from last_error


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """SQLite: a temporary file (per xdist worker, as each has its own tmp dir).
    PostgreSQL (TEST_DATABASE_URL): a database per worker, created if missing."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    if not url.startswith("postgresql"):
        return url
    own = worker_database_url(url)
    create_database_if_missing(url, own)
    return own


def _without_durability(app: Flask) -> None:
    """A test database need not survive a power cut: commits skip the wait for the disk
    (SQLite's fsyncs cost ~2 ms a commit here, a third of the suite's time; PostgreSQL's
    synchronous_commit likewise). What other sessions see, and when, is unchanged."""

    def no_wait(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA synchronous = OFF")
        elif engine.dialect.name == "postgresql":
            cursor.execute("SET synchronous_commit TO off")
        cursor.close()
        if engine.dialect.name == "postgresql":
            dbapi_connection.commit()  # psycopg opened a transaction for the SET

    with app.app_context():
        engine = db.engine
        sa.event.listen(engine, "connect", no_wait)
        engine.dispose()


def _reset_schema(app: Flask) -> None:
    """Drop everything, then build the schema through the migrations (proving they work)."""
    from flask_migrate import upgrade

    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            else:
                meta = sa.MetaData()
                meta.reflect(conn)
                meta.drop_all(conn)
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


@dataclass
class Snapshot:
    """Rows of every table right after seeding the reference data, restored before each test.

    Only the tables a test wrote to (seen by an engine event on every statement this process
    sends) are restored, with the tables that refer to them: most tests touch a handful of
    tables, and on PostgreSQL truncating all forty cost about a second per test. A test whose
    writes come from another process (a CLI subprocess on the same database) calls
    `everything_changed()`.
    """

    rows: dict[str, list[dict]]
    written: set[str] = field(default_factory=set)
    # Tables whose rows are left as the tests made them, unless a table they refer to is put
    # back (e.g. login_sessions, for a module that logs its people in once).
    keep: frozenset[str] = frozenset()

    @classmethod
    def take(cls, keep: frozenset[str] = frozenset()) -> Snapshot:
        rows = {}
        for table in db.metadata.sorted_tables:
            rows[table.name] = [dict(r._mapping) for r in db.session.execute(table.select())]
        snapshot = cls(rows, keep=keep)
        snapshot._listener = snapshot._seen
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", snapshot._listener)
        return snapshot

    def close(self) -> None:
        """Stop watching writes (a snapshot that will not be restored again)."""
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", self._listener)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        table = written_table(statement)
        if table:
            self.written.add(table)
        elif statement.lstrip()[:8].upper() in ("TRUNCATE", "DROP TAB", "ALTER TA"):
            self.everything_changed()

    def everything_changed(self) -> None:
        self.written.update(self.rows)

    def _to_restore(self) -> list[sa.Table]:
        """The written tables and, transitively, every table with a foreign key to one."""
        tables = db.metadata.sorted_tables
        wanted = {t.name for t in tables if t.name in self.written - self.keep}
        grew = True
        while grew:
            grew = False
            for table in tables:
                if (
                    table.name not in wanted
                    and table.name not in self.keep
                    and any(fk.column.table.name in wanted for fk in table.foreign_keys)
                ):
                    wanted.add(table.name)
                    grew = True
        return [t for t in tables if t.name in wanted]

    def restore(self) -> None:
        db.session.rollback()
        db.session.expunge_all()
        tables = self._to_restore()
        if not tables:
            return
        engine = db.engine
        with engine.begin() as conn:
            for table in reversed(tables):
                conn.execute(table.delete())
            for table in tables:
                if self.rows[table.name]:
                    conn.execute(table.insert(), self.rows[table.name])
            if engine.dialect.name == "postgresql":
                resets = [
                    f"setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{t.name}"), 0) + 1, false)'
                    for t in tables
                    if "id" in t.c and isinstance(t.c.id.type, sa.Integer)
                ]
                if resets:
                    conn.execute(sa.text("SELECT " + ", ".join(resets)))
        self.written.clear()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    index_dir = tmp_path_factory.mktemp("search_index")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "SEARCH_INDEX_DIR": str(index_dir),
            # Tests that search use the `search_index` fixture, which turns this on.
            "SEARCH_INDEX_ON_COMMIT": False,
            "WTF_CSRF_ENABLED": False,
            # Abuse limits are off here; tests/core/test_limits.py proves them on an app of its own.
            "RATELIMIT_ENABLED": False,
            # The shared cache is off here; tests/cache/ prove it on apps of their own.
            "CACHE_TYPE": "NullCache",
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            # Cheap hashing in tests (one lane, 64 KiB: ~0.1 ms instead of ~9 ms with four
            # lanes, a tenth of the suite's time); production uses the argon2id defaults.
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 64,
            "ARGON2_PARALLELISM": 1,
        }
    )
    _without_durability(app)
    _reset_schema(app)
    from portal.seed import seed_reference

    with app.app_context():
        seed_reference()
        db.session.commit()
        app.extensions["test_snapshot"] = Snapshot.take()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Give every test that uses the app the freshly seeded reference data, nothing more."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        app.extensions["test_snapshot"].restore()
        db.session.remove()
    if "search_index" in request.fixturenames:
        # Before the test's own fixtures add content: the template holds reference data only.
        from tests.search.support import build_template

        build_template(app)
    yield


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An application context (for calling services directly)."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


# --- factories ---------------------------------------------------------------------------------


def create_user(
    app: Flask,
    email: str,
    name: str = "Test Person",
    *,
    site_admin: bool = False,
    member_of: str | None = None,
    role: str = "member",
) -> int:
    """Create a user through the account service (and a membership); return its id. For
    fixtures of a wider scope than `make_user`."""
    from portal.accounts.services import register_user
    from portal.core.models import utcnow
    from portal.orgs.models import Membership, MembershipStatus, Role
    from portal.orgs.services import get_organisation

    with app.app_context():
        user = register_user(email, name, PASSWORD, site_admin=site_admin)
        if member_of:
            db.session.add(
                Membership(
                    user=user,
                    organisation=get_organisation(member_of),
                    role=Role(role),
                    status=MembershipStatus.ACTIVE,
                    decided_at=utcnow(),
                )
            )
        db.session.commit()
        user_id = user.id
        db.session.remove()
        return user_id


def user_maker(app: Flask) -> Callable[..., int]:
    """A function that creates a user through the account service and returns its id."""
    counter = iter(range(1, 1_000_000))

    def make(
        email: str | None = None,
        name: str = "Test Person",
        *,
        site_admin: bool = False,
        member_of: str | None = None,
        role: str = "member",
    ) -> int:
        return create_user(
            app,
            email or f"user{next(counter)}@example.com",
            name,
            site_admin=site_admin,
            member_of=member_of,
            role=role,
        )

    return make


@pytest.fixture
def make_user(app: Flask) -> Callable[..., int]:
    """Create a user through the account service; return its id."""
    return user_maker(app)


def shared_world(build: Callable[[Flask, Callable[..., int]], Any]) -> tuple[Callable, Callable]:
    """A module-scoped `world` fixture, built once by `build(app, make_user)` on the reference
    data, and the module's `_clean_database` that gives every test that world again (only the
    tables a test wrote are put back). For modules whose many tests share one set of objects.

    In the module: `world, _clean_database = shared_world(build_route_world)`.
    """

    @pytest.fixture(scope="module")
    def world(app: Flask) -> Iterator[Any]:
        with app.app_context():
            app.extensions["test_snapshot"].restore()
            db.session.remove()
        made = build(app, user_maker(app))
        with app.app_context():
            app.extensions["world_snapshot"] = Snapshot.take()
            db.session.remove()
        yield made
        app.extensions.pop("world_snapshot").close()

    @pytest.fixture(autouse=True)
    def _clean_database(request: pytest.FixtureRequest, app: Flask) -> Iterator[None]:
        if "world" in request.fixturenames:
            request.getfixturevalue("world")
            snapshot = app.extensions["world_snapshot"]
        else:
            snapshot = app.extensions["test_snapshot"]
        with app.app_context():
            snapshot.restore()
            db.session.remove()
        yield

    return world, _clean_database


def login(client: FlaskClient, user_id_or_email: int | str, password: str = PASSWORD):
    """Log a test client in through the real login form."""
    from portal.accounts.models import User

    email = user_id_or_email
    if isinstance(user_id_or_email, int):
        email = db.session.get(User, user_id_or_email).email
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def login_as(app: Flask, client: FlaskClient) -> Callable[[int], FlaskClient]:
    def do_login(user_id: int) -> FlaskClient:
        with app.app_context():
            login(client, user_id)
            db.session.remove()
        return client

    return do_login


@pytest.fixture
def search_index(app: Flask, tmp_path, _clean_database) -> Iterator[str]:
    """A fresh search index of the reference data, updated after each request, per test."""
    from tests.search.support import fresh_search_index

    with fresh_search_index(app, tmp_path) as directory:
        yield directory


# --- counting SQL queries ----------------------------------------------------------------------


@dataclass
class QueryLog:
    statements: list[str]

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """Count the SQL statements sent while the block runs."""

    @contextmanager
    def counting() -> Iterator[QueryLog]:
        log = QueryLog([])
        with app.app_context():
            engine = db.engine

        def before(conn, cursor, statement, parameters, context, executemany):
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)", statement, re.I):
                log.statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield log
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counting


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if not match:
        match = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)
