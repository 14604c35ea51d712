"""The abuse limits on the real endpoints, under gunicorn with two workers and Redis counters.

tests/core/test_limits.py proves the limiter's rules in one process; this proves the
deployment the README describes: two gunicorn workers sharing their counters in Redis
(RATELIMIT_STORAGE_URI), limits set through the RATELIMIT_* environment variables, on the
real login, registration, token creation and API write endpoints. gunicorn listens on a unix
socket in the test's own directory (no port to race for) and uses a SQLite file of its own.

Needs Redis at TEST_REDIS_URL (default redis://127.0.0.1:6379/7, a database number of its
own whose limiter keys it deletes). Outside CI an unreachable Redis skips the test; in CI
(CI=true) it fails.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gunicorn_support import TEST_REDIS_URL as REDIS_URL
from tests.gunicorn_support import redis_or_skip, stop_server

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KEYS = "LIMITS:LIMITER/portal/*"  # Flask-Limiter's keys with the portal's prefix
LIMIT = 3  # every limit under test: "3 per hour" (an hour: a slow machine stays in one window)

pytestmark = pytest.mark.gunicorn_redis


def _forget_limiter_keys(client) -> None:
    for key in client.scan_iter(match=KEYS, count=500):
        client.delete(key)


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float = 30) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


class Browser:
    """A tiny cookie-keeping HTTP client over gunicorn's unix socket."""

    def __init__(self, socket_path: str) -> None:
        self.socket_path = socket_path
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        json_body: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        sent = dict(headers or {})
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json_body
            sent["Content-Type"] = "application/json"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = UnixHTTPConnection(self.socket_path)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()

    def form_post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        status, html = self.request("GET", path)
        assert status == 200, (path, status)
        match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
        assert match, f"no CSRF token on {path}"
        return self.request("POST", path, form={"csrf_token": match.group(1), **data})


def _flask(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[str, object]]:
    """gunicorn, two workers, low limits, counters in Redis; yields (socket path, redis)."""
    redis_client = redis_or_skip()
    _forget_limiter_keys(redis_client)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'limits.db'}",
        "SECRET_KEY": secrets.token_hex(16),
        "SEARCH_INDEX_DIR": str(tmp_path / "search_index"),
        "SESSION_COOKIE_SECURE": "0",  # plain HTTP on a local socket
        "RATELIMIT_ENABLED": "1",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_LOGIN": f"{LIMIT} per hour",
        "RATELIMIT_LOGIN_PAIR": "100 per hour",
        "RATELIMIT_REGISTRATION": f"{LIMIT} per hour",
        "RATELIMIT_TOKEN_CREATION": f"{LIMIT} per hour",
        "RATELIMIT_API_WRITE": f"{LIMIT} per hour",
    }
    env.pop("FLASK_DEBUG", None)
    _flask(env, "db", "upgrade")
    _flask(env, "search", "rebuild")
    socket_path = str(tmp_path / "gunicorn.sock")
    log_path = tmp_path / "gunicorn.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"unix:{socket_path}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                if Browser(socket_path).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not come up"
            time.sleep(0.2)
        yield socket_path, redis_client
    finally:
        stop_server(process)
        log.close()
        _forget_limiter_keys(redis_client)


def _register(socket_path: str, n: int) -> tuple[int, str, str]:
    email, password = f"grans{n}@example.com", f"ett-langt-losenord-{n}"
    status, _ = Browser(socket_path).form_post(
        "/auth/register",
        {"name": f"Gräns {n}", "email": email, "password": password, "confirm": password},
    )
    return status, email, password


def test_real_endpoints_answer_429_past_their_limits_across_two_workers(server):
    socket_path, redis_client = server

    # Registration: LIMIT accounts from one address, then 429 (each from a fresh session).
    registered = [_register(socket_path, n) for n in range(LIMIT)]
    assert [status for status, _, _ in registered] == [302] * LIMIT
    assert _register(socket_path, LIMIT)[0] == 429

    # Token creation: LIMIT tokens for one account, then 429.
    _, email, password = registered[0]
    owner = Browser(socket_path)
    assert owner.form_post("/auth/login", {"email": email, "password": password})[0] == 302
    created = [
        owner.form_post(
            "/account/tokens", {"name": f"Token {i}", "write": "y", "expires_days": "90"}
        )
        for i in range(LIMIT)
    ]
    assert [status for status, _ in created] == [201] * LIMIT
    assert owner.form_post("/account/tokens", {"name": "En till", "expires_days": "90"})[0] == 429
    secret = re.search(r'<code id="new-token">([^<]+)</code>', created[0][1]).group(1)

    # An API write (PATCH /api/v1/me): LIMIT changes, then 429 as JSON.
    api = Browser(socket_path)
    bearer = {"Authorization": f"Bearer {secret}"}
    statuses = [
        api.request("PATCH", "/api/v1/me", json_body=f'{{"name": "Namn {i}"}}', headers=bearer)[0]
        for i in range(LIMIT + 1)
    ]
    assert statuses == [200] * LIMIT + [429]
    status, body = api.request("PATCH", "/api/v1/me", json_body='{"name": "X"}', headers=bearer)
    assert status == 429 and json.loads(body)["code"] == 429

    # Login: LIMIT attempts from one address (the owner's login above was the first; the
    # right password counts too), then 429 even for the right password.
    visitor = Browser(socket_path)
    attempts = [
        visitor.form_post("/auth/login", {"email": email, "password": "fel-losenord"})[0]
        for _ in range(LIMIT - 2)
    ]
    assert attempts == [422] * (LIMIT - 2)
    assert visitor.form_post("/auth/login", {"email": email, "password": password})[0] == 302
    late = Browser(socket_path)
    assert late.form_post("/auth/login", {"email": email, "password": password})[0] == 429

    # The counters the two workers shared live in Redis, one per limit.
    keys = {key.decode() for key in redis_client.scan_iter(match=KEYS, count=500)}
    for scope in ("registration", "token_creation", "api_write", "login"):
        assert any(f"/{scope}/{LIMIT}/1/hour" in key for key in keys), (scope, keys)
