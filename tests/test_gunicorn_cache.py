"""The shared cache under gunicorn with two workers, each with its own in-process cache: after
a change committed by one worker, no answer from either worker is stale.

Runs on the suite's database engine (a SQLite file of its own, or a PostgreSQL database next
to TEST_DATABASE_URL); the workers share only the generation file (CACHE_GENERATION_FILE), as
the workers of one host do by default.
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.request
from contextlib import ExitStack

import pytest

from tests.gunicorn_support import ON_POSTGRESQL, fresh_postgresql_database, gunicorn_server
from tests.test_gunicorn_races import Api, _prepare

pytestmark = pytest.mark.gunicorn
READS = 24  # enough that both workers answer, from their caches, several times


def _anonymous_totals(base: str, path: str) -> list[int]:
    totals = []
    for _ in range(READS):
        with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
            assert response.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
            totals.append(json.loads(response.read())["total"])
    return totals


def test_no_worker_serves_a_stale_answer_after_another_commits(tmp_path):
    with ExitStack() as stack:
        if ON_POSTGRESQL:
            database_url = stack.enter_context(fresh_postgresql_database("_cache"))
        else:
            database_url = f"sqlite:///{tmp_path / 'cache.sqlite3'}"
        tokens = _prepare(database_url)
        (tmp_path / "search_index").mkdir()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(16),
            "SEARCH_INDEX_DIR": str(tmp_path / "search_index"),
            "SEARCH_INDEX_ON_COMMIT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "RATELIMIT_ENABLED": "0",
            "CACHE_TYPE": "SimpleCache",
            "CACHE_GENERATION_FILE": str(tmp_path / "content-generation"),
        }
        env.pop("FLASK_DEBUG", None)
        env.pop("CACHE_REDIS_URL", None)
        env.pop("REDIS_URL", None)
        log = tmp_path / "gunicorn.log"
        base = stack.enter_context(gunicorn_server(env, log))
        editor = Api(base, tokens["gotland"])

        before = _anonymous_totals(base, "/api/v1/plans")
        assert set(before) == {0}
        hits = log.read_text().count('"cached": true')
        assert hits >= READS - 2  # every read after a worker's first came from its cache

        status, plan = editor.call(
            "POST",
            "/plans",
            {
                "title": "Cacheplan",
                "period_start_year": 2025,
                "period_end_year": 2026,
                "organization": "gotland",
            },
        )
        assert status == 201, plan
        assert set(_anonymous_totals(base, "/api/v1/plans")) == {0}  # a draft is not public
        status, _ = editor.call("POST", f"/plans/{plan['id']}/publish")
        assert status == 200
        assert set(_anonymous_totals(base, "/api/v1/plans")) == {1}
        assert log.read_text().count('"cached": true') > hits  # and cached again afterwards
