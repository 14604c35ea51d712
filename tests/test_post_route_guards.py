"""Every HTML form post is guarded: without login it goes to the login page (or is 403), and
without a CSRF token it is 400.

The routes come from `app.url_map`: a new POST page is covered without editing this file. Each
is called on real objects of organisation A (tests/route_world.py).
"""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from portal import create_app
from tests.conftest import PASSWORD, csrf_token_from, shared_world
from tests.route_world import build_route_world

# Posts a visitor without an account may make, with the reason.
OPEN_POSTS = {
    "accounts.login": "logging in is how a visitor gets a session",
    "accounts.register": "registering is how a visitor gets an account",
    "accounts.logout": "ends the session, if any; without one there is nothing to change",
}


def post_rules() -> list[str]:
    """Every non-API rule that accepts POST, by endpoint."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    endpoints = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    )
    assert endpoints, "no POST routes found in the URL map"
    return endpoints


POST_ENDPOINTS = post_rules()


def test_the_walk_covers_the_known_posts():
    assert len(POST_ENDPOINTS) >= 30
    assert {"plans.archive", "experiences.edit", "needs.unback"} <= set(POST_ENDPOINTS)
    assert set(OPEN_POSTS) <= set(POST_ENDPOINTS), "an allow-listed route no longer exists"


def _rule(app, endpoint: str) -> Rule:
    return next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)


# Organisation A's objects, built once for the module and given back to every test.
world, _clean_database = shared_world(build_route_world)


@pytest.mark.parametrize("endpoint", [e for e in POST_ENDPOINTS if e not in OPEN_POSTS])
def test_post_without_login_goes_to_login_or_is_403(app, client, world, endpoint):
    path = world.fill(_rule(app, endpoint))
    response = client.post(path, data={"name": "x", "title": "x", "body": "x"})
    if response.status_code == 302:
        assert "/auth/login" in response.headers["Location"], (path, response.headers["Location"])
    else:
        assert response.status_code == 403, (path, response.status_code)


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_post_without_csrf_token_is_400(csrf_app, world, endpoint):
    """Logged in as organisation A's admin, so that the refusal is about CSRF, not login."""
    from portal.accounts.models import User
    from portal.extensions import db

    client = csrf_app.test_client()
    with csrf_app.app_context():
        email = db.session.get(User, world.owner_id).email
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    login = client.post(
        "/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert login.status_code == 302
    path = world.fill(_rule(csrf_app, endpoint))
    response = client.post(path, data={"name": "x", "title": "x", "body": "x"})
    assert response.status_code == 400, (path, response.status_code)
