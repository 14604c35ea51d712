"""Helpers of the API tests: tokens for every actor of a role matrix, refusals, CSV, counts."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from portal.extensions import db
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


def read_csv(response) -> list[dict[str, str]]:
    """The rows of a CSV answer (which must be 200 and text/csv)."""
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def count_rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))
