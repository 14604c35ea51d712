"""Every state-changing form refuses a request without a valid CSRF token."""

from __future__ import annotations

import re

import pytest

from portal import create_app


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def html_post_rules():
    """Discover every HTML route that accepts POST (new pages are covered automatically)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    rules = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.rule.startswith("/api/"):
            rules.append(rule.rule)
    return sorted(rules)


def concrete(rule: str) -> str:
    return re.sub(
        r"<(?:int:)?([a-z_]+)>", lambda m: "1" if "id" in m.group(1) else "vallentuna", rule
    )


@pytest.mark.parametrize("rule", html_post_rules())
def test_post_without_csrf_token_is_refused(csrf_app, make_user, rule):
    client = csrf_app.test_client()
    user = make_user(member_of="vallentuna", role="admin", site_admin=True)
    # Log in with a valid token first, so that the refusal below is about CSRF, not login.
    from tests.conftest import PASSWORD, csrf_token_from

    with csrf_app.app_context():
        from portal.accounts.models import User
        from portal.extensions import db

        email = db.session.get(User, user).email
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    assert (
        client.post(
            "/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 302
    )
    response = client.post(concrete(rule), data={"name": "x"})
    assert response.status_code == 400, (rule, response.status_code)


def test_login_without_token_is_refused(csrf_app, make_user):
    make_user("z@example.com")
    client = csrf_app.test_client()
    response = client.post("/auth/login", data={"email": "z@example.com", "password": "x" * 12})
    assert response.status_code == 400


def test_there_are_forms_to_check():
    assert "/auth/login" in html_post_rules() and len(html_post_rules()) >= 8
