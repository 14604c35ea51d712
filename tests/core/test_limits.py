"""Abuse limits: login, registration, password change, token creation and API writes."""

from __future__ import annotations

import os
import socket
import uuid

import pytest
from flask import jsonify, request
from flask.views import MethodView

from portal.core.limits import LIMITS, apply_rate_limits, limit_names_for, rate_limited
from tests.conftest import PASSWORD


@pytest.fixture
def limited_app(make_app):
    """An app of its own with the limits on (the shared test app has them off)."""
    return lambda **overrides: make_app(**{**LOW_LIMITS, **overrides})


LOW_LIMITS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_LOGIN": "3 per minute",
    "RATELIMIT_LOGIN_PAIR": "4 per hour",
    "RATELIMIT_REGISTRATION": "2 per hour",
    "RATELIMIT_PASSWORD_CHANGE": "2 per hour",
    "RATELIMIT_TOKEN_CREATION": "2 per hour",
    "RATELIMIT_API_WRITE": "3 per minute",
}


def from_address(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_limits_are_off_in_the_shared_test_app(client):
    for _ in range(30):
        response = client.post("/auth/login", data={"email": "x@example.com", "password": "x"})
        assert response.status_code == 422


def test_login_attempts_from_one_address_are_limited_in_the_sites_layout(limited_app):
    client = limited_app().test_client()
    for _ in range(5):  # showing the form never counts
        assert client.get("/auth/login").status_code == 200
    for i in range(3):
        data = {"email": f"u{i}@example.com", "password": "wrong"}
        assert client.post("/auth/login", data=data).status_code == 422
    response = client.post("/auth/login", data={"email": "u9@example.com", "password": "wrong"})
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    html = response.get_data(as_text=True)
    assert 'class="site-header"' in html
    assert "För många förfrågningar" in html
    # Another address is not affected.
    other = client.post(
        "/auth/login", data={"email": "u9@example.com", "password": "x"}, **from_address("10.0.0.2")
    )
    assert other.status_code == 422


def test_failed_logins_are_slowed_down_per_account_and_address(limited_app, make_user):
    make_user("target@example.com")
    make_user("neighbour@example.com")
    client = limited_app(RATELIMIT_LOGIN="100 per minute").test_client()
    wrong = {"email": "target@example.com", "password": "wrong"}
    for _ in range(4):
        assert client.post("/auth/login", data=wrong, **from_address("10.1.0.1")).status_code == 422
    # This pair has used its allowance, even for the right password ...
    right = {"email": "target@example.com", "password": PASSWORD}
    blocked = client.post("/auth/login", data=right, **from_address("10.1.0.1"))
    assert blocked.status_code == 429
    assert "Retry-After" in blocked.headers
    # ... but not another account from that address, nor the account from another address.
    neighbour = {"email": "neighbour@example.com", "password": PASSWORD}
    assert client.post("/auth/login", data=neighbour, **from_address("10.1.0.1")).status_code == 302
    assert client.post("/auth/login", data=right, **from_address("10.1.0.2")).status_code == 302


def test_forty_failed_logins_from_many_addresses_do_not_lock_the_owner_out(limited_app, make_user):
    make_user("owner40@example.com")
    client = limited_app().test_client()
    wrong = {"email": "owner40@example.com", "password": "wrong"}
    statuses = [
        client.post("/auth/login", data=wrong, **from_address(f"10.3.{i % 10}.1")).status_code
        for i in range(40)
    ]
    assert set(statuses) <= {422, 429} and 429 in statuses  # the attackers are slowed down
    right = {"email": "owner40@example.com", "password": PASSWORD}
    response = client.post("/auth/login", data=right, **from_address("10.3.99.1"))
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_successful_logins_do_not_use_up_the_accounts_allowance(limited_app, make_user):
    make_user("owner@example.com")
    client = limited_app(RATELIMIT_LOGIN="100 per minute").test_client()
    good = {"email": "owner@example.com", "password": PASSWORD}
    for i in range(6):
        assert (
            client.post("/auth/login", data=good, **from_address(f"10.2.0.{i}")).status_code == 302
        )
        client.post("/auth/logout")


def test_registration_is_limited(limited_app):
    client = limited_app().test_client()
    for i in range(2):
        data = {
            "name": "N",
            "email": f"r{i}@example.com",
            "password": PASSWORD,
            "confirm": PASSWORD,
        }
        assert client.post("/auth/register", data=data).status_code == 302
    data = {"name": "N", "email": "r9@example.com", "password": PASSWORD, "confirm": PASSWORD}
    assert client.post("/auth/register", data=data).status_code == 429


def test_password_change_is_limited_per_account(limited_app, make_user):
    make_user("pw@example.com")
    client = limited_app().test_client()
    client.post("/auth/login", data={"email": "pw@example.com", "password": PASSWORD})
    data = {"current_password": "guess", "new_password": "n" * 12, "confirm": "n" * 12}
    assert client.post("/account/password", data=data).status_code == 422
    assert client.post("/account/password", data=data).status_code == 422
    assert client.post("/account/password", data=data).status_code == 429


def _add_probe_routes(app):
    """Routes as the API will add them: a token endpoint and API writes."""

    @rate_limited("token_creation")
    def create_token():
        return jsonify({"token": "t"}), 201

    def api_write():
        return jsonify({"ok": True}), 201 if request.method == "POST" else 200

    class ThingView(MethodView):
        def get(self):
            return jsonify([])

        def post(self):
            return jsonify({"ok": True}), 201

    app.add_url_rule("/account/tokens/new", "probe_tokens", create_token, methods=["POST"])
    app.add_url_rule("/api/v1/probe", "probe_api", api_write, methods=["GET", "POST"])
    app.add_url_rule("/api/v1/things", view_func=ThingView.as_view("probe_things"))
    apply_rate_limits(app)


def test_api_writes_are_limited_automatically_and_answered_in_json(limited_app, make_user):
    limited = limited_app()
    _add_probe_routes(limited)
    assert limit_names_for(limited, "probe_api") == ["api_write"]
    assert limit_names_for(limited, "probe_things") == ["api_write"]
    # Every API write needs a write token (portal/api/hooks.py), the probes too.
    user_id = make_user()
    with limited.app_context():
        from portal.accounts.models import User
        from portal.extensions import db
        from portal.tokens.services import create_token

        _token, secret = create_token(db.session.get(User, user_id), name="probe", write=True)
        db.session.commit()
        db.session.remove()
    headers = {"Authorization": f"Bearer {secret}"}
    client = limited.test_client()
    for _ in range(5):
        assert client.get("/api/v1/probe").status_code == 200  # reads are not counted
    for _ in range(3):
        assert client.post("/api/v1/probe", headers=headers).status_code == 201
    response = client.post("/api/v1/things", headers=headers)  # one allowance for every write
    assert response.status_code == 429
    assert response.is_json
    assert response.get_json()["code"] == 429


def test_token_creation_is_limited_by_its_decorator(limited_app):
    limited = limited_app()
    _add_probe_routes(limited)
    client = limited.test_client()
    assert [client.post("/account/tokens/new").status_code for _ in range(3)] == [201, 201, 429]


def test_the_token_page_limits_token_creation(limited_app, make_user):
    make_user("tok@example.com")
    client = limited_app().test_client()
    client.post("/auth/login", data={"email": "tok@example.com", "password": PASSWORD})
    statuses = [
        client.post("/account/tokens", data={"name": f"t{i}", "expires_days": "90"}).status_code
        for i in range(3)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:2]
    assert client.get("/account/tokens").status_code == 200  # reading the page is not counted


def test_unknown_limit_names_are_refused():
    with pytest.raises(ValueError, match="no_such_limit"):
        rate_limited("no_such_limit")


def test_every_named_limit_can_be_set_from_the_config(limited_app):
    limited = limited_app()
    for name in LIMITS:
        assert limited.config[f"RATELIMIT_{name.upper()}"]


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_limits_are_shared_through_redis_when_configured(limited_app):
    if not _redis_reachable():
        if os.environ.get("CI"):
            pytest.fail("Redis is expected on 127.0.0.1:6379 in CI")
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"portal-test-{uuid.uuid4().hex}"
    settings = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "RATELIMIT_KEY_PREFIX": prefix}
    # Two apps stand for two gunicorn workers: they share one count.
    first = limited_app(**settings).test_client()
    second = limited_app(**settings).test_client()
    data = {"email": "redis@example.com", "password": "wrong"}
    assert first.post("/auth/login", data=data).status_code == 422
    assert second.post("/auth/login", data=data).status_code == 422
    assert first.post("/auth/login", data=data).status_code == 422
    assert second.post("/auth/login", data=data).status_code == 429
