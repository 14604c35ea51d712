"""One JSON line per request; nothing secret in it; errors logged with their trace."""

from __future__ import annotations

import json
import logging

import pytest

from tests.conftest import PASSWORD


def request_lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "portal.requests"]


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO, logger="portal.requests")
    return caplog


def test_one_structured_line_per_request(client, logs):
    client.get("/organizations?kind=municipality")
    lines = request_lines(logs)
    assert len(lines) == 1
    line = lines[0]
    assert line["method"] == "GET"
    assert line["path"] == "/organizations"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["remote_addr"] == "127.0.0.1"


def test_logged_in_user_is_named_by_id_and_secrets_never_appear(client, make_user, logs):
    user_id = make_user("log@example.com")
    client.post("/auth/login", data={"email": "log@example.com", "password": PASSWORD})
    client.get("/account?token=sekret-token-value&access_token=abc123")
    client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "brand-new-pass", "confirm": "x"},
    )
    lines = request_lines(logs)
    assert [line["path"] for line in lines] == ["/auth/login", "/account", "/account/password"]
    assert lines[1]["user_id"] == str(user_id)
    text = logs.text
    for secret in [PASSWORD, "brand-new-pass", "sekret-token-value", "abc123", "session="]:
        assert secret not in text


def test_unhandled_error_is_logged_with_trace_and_shown_as_the_error_page(make_app, caplog):
    broken = make_app()

    @broken.get("/boom")
    def boom():
        raise RuntimeError("kaboom in a view")

    caplog.set_level(logging.INFO)
    response = broken.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert 'class="site-header"' in html and "kaboom" not in html
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and errors[0].exc_info and "kaboom in a view" in caplog.text
    assert request_lines(caplog)[-1]["status"] == 500
