"""The shared cache of anonymous GETs: served before Flask runs, stored after it has answered.

A request is a *candidate* when it is a GET without an `Authorization` header and without a
session or remember-me cookie: nobody can be logged in, so the answer cannot be personal. Its
key is the scheme, host, path, query string (parameters sorted by name), the negotiated
language and the `Accept` header. An entry holds the status, headers and body of an answer
together with the generation token it was made under; it is served only while that token is
the current one (portal/cache/generation.py moves it on with every committed change of
content). A hit is answered by the WSGI middleware from the cache alone: no request context,
no database session, no user, no template.

A miss runs the portal. Its answer is stored only when the portal said it may be shared
(`mark_shareable`, an `after_request` hook: 200 to a GET, nobody logged in or authenticated,
no CSRF token rendered, no view that opted out, not the account, token or health pages) and
the final answer sets no cookie. Shareable answers carry `Cache-Control: public, max-age=0,
s-maxage=CACHE_MAX_AGE` and an ETag: a reverse proxy may keep them for a while, a browser
revalidates every time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from hashlib import sha256
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Flask, Response, current_app, g, request, session
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie, parse_etags, unquote_etag

from portal.core.cache_control import answered_for_someone
from portal.core.i18n import negotiate_locale
from portal.core.request_log import log_request_record

log = logging.getLogger(__name__)

# Set in the WSGI environ: the candidate's key and token (by the middleware), and whether the
# portal found its answer shareable (by `mark_shareable`).
CANDIDATE = "portal.shared_cache.candidate"
SHAREABLE = "portal.shared_cache.shareable"
GENERATION_KEY = "content-generation"
# Blueprints whose pages are never shared: they are about an account, or must reach the app.
NEVER_SHARED = frozenset({"accounts", "tokens", "health", "static"})
# Headers of a stored answer that a 304 repeats (RFC 9110 15.4.5), besides the security ones.
NOT_IN_304 = frozenset({"content-length", "content-type", "content-disposition"})
# Headers of the moment, never stored: the server adds a fresh Date to every answer.
NOT_STORED = frozenset({"date", "set-cookie"})


def no_shared_cache() -> None:
    """Keep this request's answer out of the shared cache (a view that knows it may be stale)."""
    g.no_shared_cache = True


class FileGeneration:
    """The generation token in a file: shared by the workers and commands of one host."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> str | None:
        try:
            return self.path.read_text() or None
        except FileNotFoundError:
            return None

    def _write(self, token: str, replace: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".generation-")
        try:
            with os.fdopen(fd, "w") as file:
                file.write(token)
            if replace:
                os.replace(tmp, self.path)
            else:
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, self.path)  # atomic "create unless it exists"
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def publish(self, token: str) -> None:
        self._write(token, replace=True)

    def seed(self, token: str) -> None:
        self._write(token, replace=False)


class SharedCache:
    """Entries in a Flask-Caching backend; the generation token in Redis or a file of the host."""

    def __init__(self, app: Flask, backend: Any, redis: bool) -> None:
        self.app = app
        self.backend = backend
        self.timeout = int(app.config["CACHE_DEFAULT_TIMEOUT"])
        self.file = None if redis else FileGeneration(Path(app.config["CACHE_GENERATION_FILE"]))

    def lookup(self, key: str) -> tuple[str | None, Any]:
        """The current generation token and the entry under `key` (one round trip to Redis)."""
        if self.file is None:
            token, entry = self.backend.get_many(GENERATION_KEY, key)
        else:
            token, entry = self.file.read(), self.backend.get(key)
        if token is None:
            token = self._seed()
        return token, entry

    def _seed(self) -> str | None:
        """Start from the database's token when the cache holds none (new, flushed, evicted)."""
        from portal.cache.generation import stored_token
        from portal.extensions import db

        with self.app.app_context():
            token = stored_token(db.session)
            db.session.remove()
        if token is None:
            return None
        if self.file is None:
            self.backend.add(GENERATION_KEY, token, timeout=0)
            return self.backend.get(GENERATION_KEY)
        self.file.seed(token)
        return self.file.read()

    def publish(self, token: str) -> None:
        """Make `token` the current generation for every worker (after its commit)."""
        if self.file is None:
            self.backend.set(GENERATION_KEY, token, timeout=0)
        else:
            self.file.publish(token)

    def store(self, key: str, entry: tuple) -> None:
        self.backend.set(key, entry, timeout=self.timeout)

    def clear(self) -> None:
        self.backend.clear()


def is_candidate(environ: dict[str, Any], cookie_names: tuple[str, ...]) -> bool:
    """Whether nobody can be logged in on this GET: no Authorization, no session cookie."""
    if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
        return False
    if environ.get("PATH_INFO", "").startswith("/static/"):
        return False
    cookies = environ.get("HTTP_COOKIE")
    if cookies and any(name in cookies for name in cookie_names):
        # A cheap substring test first; only a real cookie of that name excludes.
        parsed = parse_cookie(environ)
        return not any(name in parsed for name in cookie_names)
    return True


def cache_key(environ: dict[str, Any], config: dict[str, Any]) -> str:
    """Key of the answer to this anonymous GET: URL, normalised query, language and Accept."""
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    query = urlencode(
        sorted(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True), key=_name)
    )
    cookie_language = None
    if "HTTP_COOKIE" in environ:
        from portal.core.i18n import LANGUAGE_COOKIE

        cookie_language = parse_cookie(environ).get(LANGUAGE_COOKIE)
    language = negotiate_locale(
        path,
        cookie_language,
        parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept),
        config,
    )
    parts = (
        environ.get("wsgi.url_scheme", "http"),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
        path,
        query,
        language,
        environ.get("HTTP_ACCEPT", ""),
    )
    return "page:" + sha256("\x1f".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _name(pair: tuple[str, str]) -> str:
    return pair[0]


class SharedCacheMiddleware:
    """Answer anonymous GETs from the shared cache; store the portal's shareable answers."""

    def __init__(self, app: Flask, wsgi_app: Callable, shared: SharedCache) -> None:
        self.wsgi_app = wsgi_app
        self.shared = shared
        self.config = app.config
        self.cookie_names = (
            app.config.get("SESSION_COOKIE_NAME") or "session",
            app.config.get("REMEMBER_COOKIE_NAME") or "remember_token",
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if not is_candidate(environ, self.cookie_names):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        key = cache_key(environ, self.config)
        try:
            token, entry = self.shared.lookup(key)
        except Exception:
            log.warning("shared cache unavailable; answering without it", exc_info=True)
            return self.wsgi_app(environ, start_response)
        if token is None:  # no generation anywhere yet: nothing may be stored
            return self.wsgi_app(environ, start_response)
        if entry is not None and entry[0] == token:
            return self._serve(environ, start_response, entry, started)
        environ[CANDIDATE] = (key, token)
        return self._run_and_store(environ, start_response)

    def _serve(self, environ, start_response, entry: tuple, started: float) -> Iterable[bytes]:
        _token, status, headers, body, etag = entry
        if etag and parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(etag[0]):
            status = "304 NOT MODIFIED"
            headers = [(k, v) for k, v in headers if k.lower() not in NOT_IN_304]
            body = b""
        start_response(status, list(headers))
        log_request_record(
            "GET",
            environ.get("PATH_INFO", ""),
            int(status[:3]),
            (time.perf_counter() - started) * 1000,
            None,
            environ.get("REMOTE_ADDR"),
            cached=True,
        )
        return [body]

    def _run_and_store(self, environ, start_response) -> Iterable[bytes]:
        answered: dict[str, Any] = {}

        def remember(status, headers, exc_info=None):
            answered["status"], answered["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, remember)
        status, headers = answered.get("status", ""), answered.get("headers", [])
        if not (
            environ.get(SHAREABLE)
            and status.startswith("200")
            and not any(name.lower() == "set-cookie" for name, _ in headers)
        ):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        key, token = environ[CANDIDATE]
        etag = next((unquote_etag(v) for k, v in headers if k.lower() == "etag"), None)
        try:
            stored = [(k, v) for k, v in headers if k.lower() not in NOT_STORED]
            self.shared.store(key, (token, status, stored, body, etag))
        except Exception:
            log.warning("could not store an answer in the shared cache", exc_info=True)
        return [body]


def mark_shareable(response: Response) -> Response:
    """Give an anonymous public answer its public headers, and let the middleware store it."""
    if not _shareable(response):
        return response
    response.cache_control.public = True
    # Browsers ask again each time (a 304 from the shared cache costs next to nothing), so a
    # visitor who logs in or reloads after a change never sees an old copy; reverse proxies
    # (nginx) may reuse one for CACHE_MAX_AGE seconds.
    response.cache_control.max_age = 0
    response.cache_control.s_maxage = current_app.config["CACHE_MAX_AGE"]
    if not response.get_etag()[0]:
        response.add_etag()
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    response.make_conditional(request)
    request.environ[SHAREABLE] = response.status_code == 200
    return response


def _shareable(response: Response) -> bool:
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return False
    if response.is_streamed or response.direct_passthrough:
        return False
    if request.blueprint in NEVER_SHARED or request.endpoint in (None, "static"):
        return False
    if g.get("no_shared_cache") or "csrf_token" in g or answered_for_someone():
        return False
    if response.headers.get("Cache-Control") or "Set-Cookie" in response.headers:
        return False  # the view decided itself (no-store, private), or sets a cookie
    if session.modified:
        return False  # Flask will send the session cookie after every after_request hook
    return is_candidate(request.environ | {"REQUEST_METHOD": "GET"}, _cookie_names())


def _cookie_names() -> tuple[str, ...]:
    config = current_app.config
    return (
        config.get("SESSION_COOKIE_NAME") or "session",
        config.get("REMEMBER_COOKIE_NAME") or "remember_token",
    )
