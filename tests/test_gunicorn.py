"""gunicorn with two workers on a PostgreSQL database of its own: concurrent writes and
searches give no server error, and the search index ends up matching the database.

Runs in CI with the PostgreSQL pass (TEST_DATABASE_URL); skipped on SQLite.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import make_url

from tests.gunicorn_support import (
    BIN,
    ROOT,
    TEST_DATABASE_URL,
    fresh_postgresql_database,
    gunicorn_server,
)

pytestmark = [
    pytest.mark.gunicorn,
    pytest.mark.skipif(
        not TEST_DATABASE_URL.startswith("postgresql"),
        reason="needs TEST_DATABASE_URL pointing at PostgreSQL",
    ),
]

WRITERS = 4
ROUNDS = 3
SEARCHES = 10


@pytest.fixture
def gunicorn_db() -> Iterator[str]:
    """A fresh database next to this xdist worker's test database (test_gw0_gunicorn),
    dropped afterwards."""
    with fresh_postgresql_database("_gunicorn") as url:
        yield url


def _flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


class Browser:
    """A tiny cookie-keeping HTTP client that records every status it sees."""

    def __init__(self, base: str, statuses: list[int]) -> None:
        self.base = base
        self.statuses = statuses
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        self.statuses.append(status)
        return status, text

    def csrf(self, path: str) -> str:
        _, html = self.request(path)
        match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
        assert match, f"no CSRF token on {path}"
        return match.group(1)


def _writer(base: str, n: int, statuses: list[int]) -> None:
    browser = Browser(base, statuses)
    email = f"skrivare{n}@example.com"
    password = "ett-langt-losenord-" + secrets.token_hex(4)
    browser.request(
        "/auth/register",
        {
            "csrf_token": browser.csrf("/auth/register"),
            "name": f"Skrivare {n}",
            "email": email,
            "password": password,
            "confirm": password,
        },
    )
    browser.request(
        "/auth/login",
        {"csrf_token": browser.csrf("/auth/login"), "email": email, "password": password},
    )
    for i in range(ROUNDS):
        browser.request(
            "/organizations/new",
            {
                "csrf_token": browser.csrf("/organizations/new"),
                "name": f"Gunicorntest {n}-{i} AB",
                "kind": "supplier",
                "description": f"Samtidig skrivning nummer {n}-{i} om bygglov.",
            },
        )


def _searcher(base: str, n: int, statuses: list[int]) -> None:
    browser = Browser(base, statuses)
    words = ["bygglovet", "detaljplan", "geodata", "malmo", '"nationell specifikation', "AND"]
    for i in range(SEARCHES):
        browser.request("/search?" + urllib.parse.urlencode({"q": words[(n + i) % len(words)]}))


def test_gunicorn_two_workers_concurrent_writes_and_searches(gunicorn_db, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": gunicorn_db,
        "SECRET_KEY": secrets.token_hex(16),
        "SEARCH_INDEX_DIR": str(tmp_path / "search_index"),
        "SESSION_COOKIE_SECURE": "0",  # plain HTTP on the loopback interface
        "RATELIMIT_ENABLED": "0",
    }
    env.pop("FLASK_DEBUG", None)
    for args in (("db", "upgrade"), ("seed",), ("search", "rebuild")):
        done = _flask(env, *args)
        assert done.returncode == 0, done.stdout + done.stderr

    with gunicorn_server(env, tmp_path / "gunicorn.log") as base:
        statuses: list[int] = []
        with ThreadPoolExecutor(max_workers=WRITERS * 2) as pool:
            futures = [pool.submit(_writer, base, n, statuses) for n in range(WRITERS)]
            futures += [pool.submit(_searcher, base, n, statuses) for n in range(WRITERS)]
            for future in futures:
                future.result(timeout=300)
        assert statuses, "no requests were made"
        assert [s for s in statuses if s >= 500] == [], (tmp_path / "gunicorn.log").read_text()

    for args in (("search", "update"), ("search", "verify")):
        done = _flask(env, *args)
        assert done.returncode == 0, done.stdout + done.stderr
    import psycopg

    url = make_url(gunicorn_db)
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, dbname=url.database
    ) as conn:
        created = conn.execute(
            "SELECT count(*) FROM organisations WHERE name LIKE 'Gunicorntest %'"
        ).fetchone()[0]
    assert created == WRITERS * ROUNDS
