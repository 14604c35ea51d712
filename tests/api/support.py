"""Tokens for every actor of a role matrix."""

from __future__ import annotations

from tests.api.conftest import bearer


def tokens_for(make_token, users: dict[str, int]) -> dict[str, dict[str, str]]:
    """Authorization headers of a read+write token per actor; anonymous sends none."""
    headers = {name: bearer(make_token(uid, write=True)) for name, uid in users.items()}
    headers["anonymous"] = {}
    return headers


def assert_refused(response, actor: str, status: int = 403) -> None:
    """Anonymous callers are 401; everyone else gets `status` (403, or 404 if unseen)."""
    expected = 401 if actor == "anonymous" else status
    assert response.status_code == expected, (response.status_code, response.json)
    assert response.json["code"] == expected
