"""A unique constraint that decides between two requests at once is a 409, not a 500."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError


def _raise_conflict():
    raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))


@pytest.mark.parametrize("path", ["/api/v1/probe-conflict", "/probe-conflict"])
def test_a_unique_constraint_violation_is_a_409_with_a_clear_message(make_app, path):
    app = make_app()
    app.add_url_rule(path, "probe_conflict", _raise_conflict)
    response = app.test_client().get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "changed at the same time" in text
    assert ("UNIQUE" in text) is False  # the database's words stay in the log
    if path.startswith("/api/"):
        assert response.json["code"] == 409
