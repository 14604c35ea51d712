"""The shared cache of anonymous GETs (portal/cache): never stale after a commit, in this worker
or another; never personal; never a Set-Cookie; a hit runs no Flask request, SQL or template.

The suite's app runs without the cache (tests/conftest.py); each test here builds apps of its
own with the cache on, on the same database. "Another worker" is a second app instance: in the
in-process mode it shares only the generation file of the host (as gunicorn's workers do),
with Redis it shares Redis (as workers on several hosts do).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, request_started, session, template_rendered

from portal import create_app
from portal.cache.models import ContentGeneration
from portal.extensions import db
from tests.conftest import login
from tests.gunicorn_support import TEST_REDIS_URL as REDIS_URL
from tests.gunicorn_support import redis_or_skip
from tests.route_world import OWNER_ORG, build_route_world


@dataclass
class Seen:
    """What the portal did while a block ran."""

    requests: int = 0  # Flask requests started (a hit starts none)
    templates: int = 0
    statements: list[str] = field(default_factory=list)


@contextmanager
def watching(app: Flask) -> Iterator[Seen]:
    seen = Seen()

    def started(sender, **extra):
        seen.requests += 1

    def rendered(sender, template, context, **extra):
        seen.templates += 1

    def statement(conn, cursor, text, parameters, context, executemany):
        seen.statements.append(text)

    request_started.connect(started, app)
    template_rendered.connect(rendered, app)
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", statement)
    try:
        yield seen
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", statement)
        request_started.disconnect(started, app)
        template_rendered.disconnect(rendered, app)


@pytest.fixture
def make_app(app: Flask, tmp_path) -> Iterator[Callable[..., Flask]]:
    """An app with the shared cache on, on the suite's database; one generation file per test
    (the host), so that apps made by one test share it as the workers of a host do."""
    made: list[Flask] = []

    def make(**overrides) -> Flask:
        config = dict(app.config)
        config.update(
            CACHE_TYPE="SimpleCache",
            CACHE_GENERATION_FILE=str(tmp_path / "content-generation"),
            CACHE_REDIS_URL=None,
        )
        config.update(overrides)
        made.append(create_app(config))
        return made[-1]

    yield make
    for each in made:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in the test Redis; its keys are deleted afterwards."""
    client = redis_or_skip()
    prefix = f"portal-test-{secrets.token_hex(4)}:"
    yield prefix
    for key in client.scan_iter(match=prefix + "*", count=500):
        client.delete(key)


@pytest.fixture
def world(app, make_user):
    make_user(site_admin=True)  # publish_plan's actor
    return build_route_world(app, make_user)


def publish_plan(app: Flask, title: str) -> int:
    """Publish a new plan of OWNER_ORG in `app` (a commit of that worker); return its id."""
    from portal.accounts.models import User
    from portal.orgs.models import Organisation
    from portal.plans import services as plans

    with app.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == OWNER_ORG))
        admin = db.session.scalar(sa.select(User).where(User.is_site_admin.is_(True)))
        plan = plans.create_plan(
            admin, org, plans.PlanInput(title=title, period_start_year=2025, period_end_year=2026)
        )
        plans.publish_plan(admin, plan)
        db.session.commit()
        plan_id = plan.id
        db.session.remove()
    return plan_id


def generation(app: Flask) -> tuple[int, str]:
    with app.app_context():
        row = db.session.get(ContentGeneration, 1)
        result = (row.value, row.token)
        db.session.remove()
    return result


# --- hits ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["page", "plan", "need", "organisation", "experience", "api list", "api plan", "home"]
)
def test_a_hit_runs_no_flask_request_no_sql_and_renders_no_template(
    make_app, world, kind, make_experience
):
    plan = world.by_name["plan_id"]
    experience = make_experience() if kind == "experience" else None
    url = {
        "page": "/plans",
        "plan": f"/plans/{plan}",
        "need": f"/needs/{world.by_name['need_id']}",
        "organisation": f"/organizations/{OWNER_ORG}",
        "experience": f"/experiences/{experience}",
        "api list": "/api/v1/plans",
        "api plan": f"/api/v1/plans/{plan}",
        "home": "/",
    }[kind]
    cached = make_app(WTF_CSRF_ENABLED=True)  # as in production: no page may make a token
    client = cached.test_client()
    first = client.get(url)
    assert first.status_code == 200
    assert "Set-Cookie" not in first.headers
    with watching(cached) as seen:
        second = client.get(url)
    assert second.status_code == 200
    assert second.get_data() == first.get_data()
    assert (seen.requests, seen.templates, seen.statements) == (0, 0, [])
    assert second.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert second.headers["ETag"] == first.headers["ETag"]
    assert "Set-Cookie" not in second.headers
    # The stored answer keeps the security headers it was made with.
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_if_none_match_revalidates_to_304_from_the_cache_and_from_the_app(make_app, world):
    cached = make_app()
    client = cached.test_client()
    url = f"/plans/{world.by_name['plan_id']}"
    etag = client.get(url).headers["ETag"]
    with watching(cached) as seen:
        hit = client.get(url, headers={"If-None-Match": etag})
    assert (hit.status_code, hit.get_data(), seen.requests) == (304, b"", 0)
    assert hit.headers["ETag"] == etag
    assert hit.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
    # A worker that has no entry yet answers 304 too (a proxy revalidating).
    other = make_app().test_client()
    assert other.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_cache_control_max_age_is_configurable(make_app, world):
    client = make_app(CACHE_MAX_AGE=5).test_client()
    assert client.get("/plans").headers["Cache-Control"] == "public, max-age=0, s-maxage=5"


def test_query_order_does_not_matter_but_language_and_values_do(make_app, world):
    cached = make_app()
    client = cached.test_client()
    client.get("/plans?status=published&sort=title")
    with watching(cached) as seen:
        client.get("/plans?sort=title&status=published")
    assert seen.requests == 0
    swedish = client.get("/plans").get_data(as_text=True)
    client.set_cookie("lang", "en")
    english = client.get("/plans").get_data(as_text=True)
    assert 'lang="sv"' in swedish and 'lang="en"' in english
    client.delete_cookie("lang")
    api_sv = client.get("/api/v1/plans/0", headers={"Accept-Language": "sv"})
    api_en = client.get("/api/v1/plans/0", headers={"Accept-Language": "en"})
    assert api_sv.headers["Content-Language"] == "sv"
    assert api_en.headers["Content-Language"] == "en"
    with watching(cached) as seen:
        assert client.get("/plans?sort=updated").status_code == 200
    assert seen.requests == 1


# --- never stale --------------------------------------------------------------------------------


def test_a_commit_in_this_worker_is_seen_by_the_next_request(make_app, world):
    cached = make_app()
    client = cached.test_client()
    assert "Plan efter cachen" not in client.get("/plans").get_data(as_text=True)
    publish_plan(cached, "Plan efter cachen")
    with watching(cached) as seen:
        page = client.get("/plans").get_data(as_text=True)
    assert seen.requests == 1 and "Plan efter cachen" in page


def test_a_commit_in_another_worker_of_the_host_is_seen_at_once(make_app, world):
    reader, writer = make_app(), make_app()  # two workers: own memory, one generation file
    client = reader.test_client()
    before = client.get("/api/v1/plans").get_json()["total"]
    assert client.get("/api/v1/plans").get_json()["total"] == before  # from the cache
    publish_plan(writer, "Plan från en annan process")
    after = client.get("/api/v1/plans").get_json()
    assert after["total"] == before + 1
    assert "Plan från en annan process" in {item["title"] for item in after["items"]}


def test_with_redis_workers_share_entries_and_every_commit_invalidates_them(
    make_app, world, redis_prefix
):
    settings = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL}
    one = make_app(CACHE_KEY_PREFIX=redis_prefix, **settings)
    two = make_app(CACHE_KEY_PREFIX=redis_prefix, **settings)
    url = f"/plans/{world.by_name['plan_id']}"
    stored = one.test_client().get(url)
    with watching(two) as seen:
        shared = two.test_client().get(url)
    assert (seen.requests, seen.statements) == (0, [])  # stored by one, served by two
    assert shared.get_data() == stored.get_data()

    two.test_client().get("/plans")
    publish_plan(one, "Plan i Redis-prov")
    with watching(two) as seen:
        page = two.test_client().get("/plans").get_data(as_text=True)
    assert seen.requests == 1 and "Plan i Redis-prov" in page


def test_a_comment_that_search_never_sees_invalidates_too(make_app, make_user, world):
    from portal.accounts.models import User
    from portal.experiences import services as experiences
    from portal.experiences.models import Experience

    cached = make_app()
    client = cached.test_client()
    experience_id = world.by_name["experience_id"]
    with cached.app_context():
        owner = db.session.get(User, world.owner_id)
        experiences.publish_experience(owner, db.session.get(Experience, experience_id))
        db.session.commit()
        db.session.remove()
    url = f"/experiences/{experience_id}"
    assert "Ett nytt tack" not in client.get(url).get_data(as_text=True)
    with cached.app_context():
        experience = db.session.get(Experience, experience_id)
        experiences.add_comment(
            db.session.get(User, world.outsider_id), experience, "Ett nytt tack"
        )
        db.session.commit()
        db.session.remove()
    assert "Ett nytt tack" in client.get(url).get_data(as_text=True)


def test_content_commits_bump_the_generation_and_bookkeeping_or_rollbacks_do_not(
    make_app, make_user, world
):
    cached = make_app()
    user_id = make_user(member_of=OWNER_ORG, role="admin")
    value, token = generation(cached)
    client = cached.test_client()
    with cached.app_context():
        login(client, user_id)  # writes a login session only
        db.session.remove()
    assert generation(cached) == (value, token)
    from portal.orgs.models import Organisation

    with cached.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == OWNER_ORG))
        org.description = "Ändrad men aldrig sparad"
        db.session.flush()
        db.session.rollback()
        db.session.remove()
    assert generation(cached) == (value, token)
    publish_plan(cached, "Ny generation")
    new_value, new_token = generation(cached)
    assert new_value > value and new_token != token
    assert Path(cached.config["CACHE_GENERATION_FILE"]).read_text() == new_token


def test_flask_cache_clear_starts_a_new_generation(make_app, world):
    cached = make_app()
    client = cached.test_client()
    client.get("/plans")
    _, token = generation(cached)
    result = cached.test_cli_runner().invoke(args=["cache", "clear"])
    assert result.exit_code == 0, result.output
    assert generation(cached)[1] != token
    with watching(cached) as seen:
        client.get("/plans")
    assert seen.requests == 1


# --- never personal, never a cookie -------------------------------------------------------------


def test_a_logged_in_person_never_gets_the_anonymous_page(make_app, world):
    cached = make_app()
    client = cached.test_client()
    anonymous = client.get("/plans").get_data(as_text=True)
    assert "Logga ut" not in anonymous
    with cached.app_context():
        login(client, world.owner_id)
        db.session.remove()
    with watching(cached) as seen:
        personal = client.get("/plans")
    assert seen.requests == 1
    assert "Logga ut" in personal.get_data(as_text=True)
    assert personal.headers["Cache-Control"] == "private, no-store"


def test_a_members_draft_is_never_stored_and_served_to_anyone_else(make_app, world):
    cached = make_app()
    member = cached.test_client()
    draft = f"/experiences/{world.by_name['experience_id']}"
    api_draft = f"/api/v1/experiences/{world.by_name['experience_id']}"
    with cached.app_context():
        login(member, world.owner_id)
        db.session.remove()
    assert member.get(draft).status_code == 200
    assert member.get(api_draft).status_code == 200
    anonymous = cached.test_client()
    assert anonymous.get(draft).status_code == 404
    assert anonymous.get(api_draft).status_code == 404
    assert member.get(draft).headers["Cache-Control"] == "private, no-store"


def test_token_requests_bypass_the_cache(make_app, world):
    from portal.accounts.models import User
    from portal.tokens import services as tokens
    from tests.api.conftest import bearer

    cached = make_app()
    with cached.app_context():
        _token, secret = tokens.create_token(db.session.get(User, world.owner_id), name="t")
        db.session.commit()
        db.session.remove()
    client = cached.test_client()
    client.get("/api/v1/plans")
    with watching(cached) as seen:
        answer = client.get("/api/v1/plans", headers=bearer(secret))
    assert seen.requests == 1
    assert answer.headers["Cache-Control"] == "private, no-store"


def test_pages_with_a_csrf_token_or_a_cookie_are_never_stored(make_app):
    cached = make_app(WTF_CSRF_ENABLED=True)

    @cached.get("/test-session-cookie")
    def writes_the_session():
        session["seen"] = True  # its cookie is added after every after_request hook
        return "ok"

    client = cached.test_client()
    for url in ("/auth/login", "/auth/register", "/test-session-cookie"):
        first = client.get(url)
        assert first.status_code == 200, url
        assert "Set-Cookie" in first.headers, url
        assert "public" not in first.headers.get("Cache-Control", ""), url
        client.delete_cookie("session")
        with watching(cached) as seen:
            again = client.get(url)
        assert seen.requests == 1, url
        assert "Set-Cookie" in again.headers, url
        client.delete_cookie("session")


def test_health_is_never_stored(make_app):
    cached = make_app()
    client = cached.test_client()
    client.get("/healthz")
    with watching(cached) as seen:
        assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    assert seen.requests == 1


def test_search_is_not_stored_while_the_index_may_lag(make_app, world):
    cached = make_app(SEARCH_INDEX_ON_COMMIT=False)  # only a watcher would update the index
    client = cached.test_client()
    client.get("/search?q=plan")
    with watching(cached) as seen:
        client.get("/search?q=plan")
        client.get("/api/v1/search?q=plan")
        client.get("/api/v1/search?q=plan")
    assert seen.requests == 3


def test_search_is_stored_once_the_index_caught_up_and_finds_what_was_committed(
    make_app, world, search_index
):
    cached = make_app(SEARCH_INDEX_DIR=search_index, SEARCH_INDEX_ON_COMMIT=True)
    client = cached.test_client()
    assert client.get("/api/v1/search?q=solrosplanen").get_json()["total"] == 0
    with watching(cached) as seen:
        client.get("/api/v1/search?q=solrosplanen")
    assert seen.requests == 0
    publish_plan(cached, "Solrosplanen")
    assert client.get("/api/v1/search?q=solrosplanen").get_json()["total"] == 1
