"""gunicorn for tests: a server on a port the kernel picks, and PostgreSQL databases of its own.

Shared by the gunicorn tests (tests/test_gunicorn*.py).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.conftest import worker_database_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRESQL = TEST_DATABASE_URL.startswith("postgresql")


TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def redis_or_skip():
    """A client of the tests' Redis database (TEST_REDIS_URL, a database number of its own);
    skip (or fail in CI) when it is unreachable."""
    import pytest
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {TEST_REDIS_URL} is unreachable in CI: {error}")
        pytest.skip(f"Redis at {TEST_REDIS_URL} is unreachable: {error}")
    return client


def _admin_connect(url):
    import psycopg

    return psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname="postgres",
        autocommit=True,
    )


@contextmanager
def fresh_postgresql_database(suffix: str) -> Iterator[str]:
    """A new database next to this xdist worker's test database (test_gw0<suffix>), dropped
    afterwards; yields its URL."""
    base = make_url(worker_database_url(TEST_DATABASE_URL, suffix))
    name = base.database
    with _admin_connect(base) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin_connect(base) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def gunicorn_server(env: dict[str, str], log_path: Path, *options: str) -> Iterator[str]:
    """Run gunicorn (two workers, plus `options`) on wsgi:app; yield its base URL once
    /healthz answers, and stop it afterwards."""
    # Port 0: the kernel picks a free port as gunicorn binds it (no probe-then-bind race);
    # gunicorn logs the address it listens at.
    log = log_path.open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", *options, "--bind", "127.0.0.1:0", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield _wait_until_healthy(server, log_path)
    finally:
        stop_server(server)
        log.close()


def stop_server(server: subprocess.Popen) -> None:
    """Stop a server started in a session of its own, with its workers; kill it if it hangs."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def _wait_until_healthy(server: subprocess.Popen, log_path: Path) -> str:
    deadline = time.monotonic() + 60
    base = None
    while True:
        assert server.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, "gunicorn did not come up"
        if base is None:
            listening = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log_path.read_text())
            if not listening:
                time.sleep(0.2)
                continue
            base = listening.group(1)
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return base
        except OSError:
            pass
        time.sleep(0.2)
