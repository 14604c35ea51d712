"""API tokens: created once, stored as a hash, scoped, expiring, revocable; CSRF only for cookies."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.core.models import utcnow
from portal.extensions import db
from portal.tokens.models import ApiToken, TokenScope
from tests.api.conftest import bearer
from tests.conftest import csrf_token_from

SECRET = re.compile(r"ptk_[A-Za-z0-9_-]{43}")


def tokens_of(app, user_id: int) -> list[ApiToken]:
    with app.app_context():
        tokens = list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)))
        db.session.expunge_all()
        return tokens


# --- the account page ----------------------------------------------------------------------


def test_tokens_page_needs_login(client):
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_account_page_links_to_tokens(client, make_user, login_as):
    login_as(make_user())
    assert 'href="/account/tokens"' in client.get("/account").get_data(as_text=True)


def test_created_token_is_shown_once_and_only_its_hash_is_stored(app, client, make_user, login_as):
    user = make_user()
    login_as(user)
    response = client.post(
        "/account/tokens", data={"name": "Nightly export", "write": "y", "expires_days": "30"}
    )
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "private, no-store"
    secret = SECRET.search(response.get_data(as_text=True)).group(0)

    [token] = tokens_of(app, user)
    assert token.name == "Nightly export" and token.scope == TokenScope.WRITE
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.token_hash, token.prefix, token.name}
    assert secret.startswith(token.prefix) and len(token.prefix) < 16
    assert token.expires_at is not None

    listing = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in listing and token.prefix in listing and "Nightly export" in listing

    me = client.get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200 and me.json["id"] == user


def test_token_form_rejects_a_missing_name(client, make_user, login_as):
    login_as(make_user())
    response = client.post("/account/tokens", data={"name": "", "expires_days": ""})
    assert response.status_code == 422
    assert not SECRET.search(response.get_data(as_text=True))


def test_revoking_on_the_page_stops_the_token(app, client, make_user, make_token, login_as):
    user = make_user()
    secret = make_token(user)
    [token] = tokens_of(app, user)
    login_as(user)
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert client.get("/api/v1/organizations", headers=bearer(secret)).status_code == 401
    assert tokens_of(app, user)[0].revoked_at is not None


def test_nobody_revokes_another_users_token_on_the_page(
    app, client, make_user, make_token, login_as
):
    owner = make_user()
    secret = make_token(owner)
    [token] = tokens_of(app, owner)
    login_as(make_user(site_admin=True))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


# --- the command line ------------------------------------------------------------------------


def test_cli_prints_a_working_token_once(app, runner, make_user, client):
    make_user(email="ops@example.com")
    result = runner.invoke(
        args=["users", "token", "ops@example.com", "--name", "CI", "--write", "--expires-days", "7"]
    )
    assert result.exit_code == 0, result.output
    secret = SECRET.search(result.stdout).group(0)
    response = client.patch("/api/v1/me", json={"name": "Ops"}, headers=bearer(secret))
    assert response.status_code == 200 and response.json["name"] == "Ops"


def test_cli_refuses_an_unknown_user(runner):
    result = runner.invoke(args=["users", "token", "nobody@example.com", "--name", "x"])
    assert result.exit_code != 0 and "nobody@example.com" in result.output


# --- using tokens ----------------------------------------------------------------------------


def test_me_shows_the_user_and_memberships(client, make_user, make_token):
    user = make_user(email="eva@example.com", name="Eva", member_of="gotland", role="editor")
    me = client.get("/api/v1/me", headers=bearer(make_token(user))).json
    assert me["email"] == "eva@example.com" and me["name"] == "Eva"
    assert me["memberships"] == [
        {
            "organization": {"slug": "gotland", "name": "Gotland", "kind": "municipality"},
            "role": "editor",
            "status": "active",
        }
    ]


def test_using_a_token_records_last_use(app, client, make_user, make_token):
    user = make_user()
    secret = make_token(user)
    assert tokens_of(app, user)[0].last_used_at is None
    client.get("/api/v1/me", headers=bearer(secret))
    assert tokens_of(app, user)[0].last_used_at is not None


def test_expired_token_is_401(app, client, make_user, make_token):
    user = make_user()
    secret = make_token(user, expires_days=1)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    with app.app_context():
        token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user))
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401 and response.json["code"] == 401


def test_token_of_a_deactivated_user_is_401(app, client, make_user, make_token):
    from portal.accounts.models import User

    user = make_user()
    secret = make_token(user)
    with app.app_context():
        db.session.get(User, user).active = False
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_read_token_may_read_but_not_write(client, make_user, make_token):
    secret = make_token(make_user(name="Before"))
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    response = client.patch("/api/v1/me", json={"name": "After"}, headers=bearer(secret))
    assert response.status_code == 403 and response.json["status"] == "Forbidden"
    assert client.get("/api/v1/me", headers=bearer(secret)).json["name"] == "Before"


def test_a_token_can_revoke_itself_through_the_api(app, client, make_user, make_token):
    user = make_user()
    secret = make_token(user, write=True)
    [token] = client.get("/api/v1/tokens", headers=bearer(secret)).json
    assert set(token) == {
        "id", "name", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"
    }  # fmt: skip
    assert client.delete(f"/api/v1/tokens/{token['id']}", headers=bearer(secret)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_token_requests_set_no_session_cookie(client, make_user, make_token):
    secret = make_token(make_user(), write=True)
    for response in (
        client.get("/api/v1/me", headers=bearer(secret)),
        client.patch("/api/v1/me", json={"name": "X"}, headers=bearer(secret)),
    ):
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers


def test_bearer_token_wins_over_the_session(client, make_user, make_token, login_as):
    login_as(make_user(name="Cookie user"))
    token_user = make_user(name="Token user")
    me = client.get("/api/v1/me", headers=bearer(make_token(token_user))).json
    assert me["name"] == "Token user"


# --- role matrix of the API writes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("other_user", 404),
        ("other_org_admin", 404),
        ("site_admin", 404),
        ("owner_read_token", 403),
        ("owner", 204),
    ],
)
def test_revoke_token_role_matrix(client, make_user, make_token, who, expected):
    owner = make_user(member_of="gotland", role="admin")
    owner_secret = make_token(owner, write=True)
    token_id = client.get("/api/v1/tokens", headers=bearer(owner_secret)).json[0]["id"]
    callers = {
        "anonymous": lambda: {},
        "other_user": lambda: bearer(make_token(make_user(member_of="gotland"), write=True)),
        "other_org_admin": lambda: bearer(
            make_token(make_user(member_of="vallentuna", role="admin"), write=True)
        ),
        "site_admin": lambda: bearer(make_token(make_user(site_admin=True), write=True)),
        "owner_read_token": lambda: bearer(make_token(owner)),
        "owner": lambda: bearer(owner_secret),
    }
    response = client.delete(f"/api/v1/tokens/{token_id}", headers=callers[who]())
    assert response.status_code == expected
    still_works = client.get("/api/v1/me", headers=bearer(owner_secret)).status_code == 200
    assert still_works == (expected != 204)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("member", 200), ("editor", 200), ("admin", 200), ("site_admin", 200)],
)
def test_update_me_role_matrix(client, make_user, make_token, who, expected):
    if who == "anonymous":
        headers = {}
    elif who == "site_admin":
        headers = bearer(make_token(make_user(site_admin=True), write=True))
    else:
        headers = bearer(make_token(make_user(member_of="gotland", role=who), write=True))
    response = client.patch("/api/v1/me", json={"name": "Renamed"}, headers=headers)
    assert response.status_code == expected
    if expected == 200:
        assert client.get("/api/v1/me", headers=headers).json["name"] == "Renamed"


# --- CSRF: needed with a session cookie, not with a token ------------------------------------


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def _log_in_with_csrf(client, user_id: int, app) -> str:
    from portal.accounts.models import User
    from tests.conftest import PASSWORD

    with app.app_context():
        email = db.session.get(User, user_id).email
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return csrf_token_from(client.get("/account").get_data(as_text=True))


def test_cookie_authenticated_api_write_needs_the_csrf_token(csrf_app, make_user):
    client = csrf_app.test_client()
    csrf_token = _log_in_with_csrf(client, make_user(name="Before"), csrf_app)
    refused = client.patch("/api/v1/me", json={"name": "Forged"})
    assert refused.status_code == 400 and refused.json["code"] == 400
    assert client.get("/api/v1/me").json["name"] == "Before"
    accepted = client.patch(
        "/api/v1/me", json={"name": "After"}, headers={"X-CSRFToken": csrf_token}
    )
    assert accepted.status_code == 200 and accepted.json["name"] == "After"


def test_token_authenticated_api_write_needs_no_csrf_token(csrf_app, make_user, make_token):
    client = csrf_app.test_client()
    secret = make_token(make_user(), write=True)
    response = client.patch("/api/v1/me", json={"name": "Scripted"}, headers=bearer(secret))
    assert response.status_code == 200 and response.json["name"] == "Scripted"


def test_token_page_form_needs_the_csrf_token(csrf_app, make_user):
    client = csrf_app.test_client()
    _log_in_with_csrf(client, make_user(), csrf_app)
    response = client.post("/account/tokens", data={"name": "x", "expires_days": ""})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("headers", "challenge"),
    [
        ({}, 'Bearer realm="portal"'),
        ({"Authorization": "Basic abc"}, 'Bearer realm="portal", error="invalid_request"'),
        ({"Authorization": "Bearer nope"}, 'Bearer realm="portal", error="invalid_token"'),
    ],
)
def test_401_tells_the_client_how_to_authenticate(client, headers, challenge):
    """RFC 6750: every 401 names the scheme and realm, and why a sent token failed."""
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == challenge
    assert response.json["code"] == 401 and response.json["message"]
