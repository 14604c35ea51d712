"""Races decided by the database: many clients doing the same thing at the same moment
against gunicorn (two workers, threads) get one winner and clear answers, never a 500.

Runs on the suite's database: PostgreSQL (a database of its own next to TEST_DATABASE_URL,
where row locks decide) or SQLite (a file of its own, where state-changing requests take the
write lock when they begin). One server for the module; every race starts its requests
together behind a barrier and repeats for a few rounds.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest

from portal import create_app
from tests.gunicorn_support import ON_POSTGRESQL, fresh_postgresql_database, gunicorn_server

pytestmark = pytest.mark.gunicorn

PARALLEL = 10
ROUNDS = 3
PLAN = {"title": "Kapplöpningsplan", "period_start_year": 2025, "period_end_year": 2027}
NEED = {"organization": "gotland", "title": "Samtidigt stöd", "description": "Vi behöver det."}


class Api:
    """A bearer-token JSON client of the server."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(  # noqa: S310 - the test's own server
            self.base + "/api/v1" + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            text = error.read()
            return error.code, json.loads(text) if text.startswith(b"{") else {"raw": text}


def _prepare(database_url: str) -> dict[str, str]:
    """Migrate and seed the server's database; return write tokens of an editor of Gotland
    and of Vallentuna."""
    from flask_migrate import upgrade

    from portal.accounts.services import register_user
    from portal.core.models import utcnow
    from portal.extensions import db
    from portal.orgs.models import Membership, MembershipStatus, Role
    from portal.orgs.services import get_organisation
    from portal.seed import seed_reference
    from portal.tokens.services import create_token

    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url, "ARGON2_TIME_COST": 1}
    )
    tokens = {}
    with app.app_context():
        upgrade()
        seed_reference()
        for slug in ("gotland", "vallentuna"):
            user = register_user(f"{slug}-racer@example.com", f"Racer {slug}", "x7#Kp2!vRt9q")
            db.session.add(
                Membership(
                    user=user,
                    organisation=get_organisation(slug),
                    role=Role.EDITOR,
                    status=MembershipStatus.ACTIVE,
                    decided_at=utcnow(),
                )
            )
            tokens[slug] = create_token(user, name="races", write=True)[1]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return tokens


@pytest.fixture(scope="module")
def apis(tmp_path_factory) -> Iterator[dict[str, Api]]:
    """gunicorn (two workers with four threads each) on a database of its own; write clients
    for an editor of Gotland and one of Vallentuna."""
    directory = tmp_path_factory.mktemp("races")
    with ExitStack() as stack:
        if ON_POSTGRESQL:
            database_url = stack.enter_context(fresh_postgresql_database("_races"))
        else:
            database_url = f"sqlite:///{directory / 'races.sqlite3'}"
        tokens = _prepare(database_url)
        (directory / "search_index").mkdir()  # searching is not raced here; health wants it
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(16),
            "SEARCH_INDEX_DIR": str(directory / "search_index"),
            "SEARCH_INDEX_ON_COMMIT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "RATELIMIT_ENABLED": "0",
        }
        env.pop("FLASK_DEBUG", None)
        base = stack.enter_context(
            gunicorn_server(env, directory / "gunicorn.log", "--threads", "4")
        )
        yield {slug: Api(base, token) for slug, token in tokens.items()}


def together(calls: list) -> list[tuple[int, dict]]:
    """Run the calls at the same moment (each in its own thread); return their answers."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def statuses(answers: list[tuple[int, dict]]) -> list[int]:
    return sorted(status for status, _ in answers)


def test_one_of_many_parallel_publishes_wins_and_makes_one_revision(apis):
    gotland = apis["gotland"]
    status, plan = gotland.call("POST", "/plans", {**PLAN, "organization": "gotland"})
    assert status == 201, plan
    path = f"/plans/{plan['id']}"
    for round_ in range(1, ROUNDS + 1):
        answers = together([lambda: gotland.call("POST", path + "/publish")] * PARALLEL)
        assert statuses(answers) == [200] + [422] * (PARALLEL - 1), answers
        refused = next(body for status, body in answers if status == 422)
        assert "drafts" in refused["message"] or "utkast" in refused["message"]
        _, detail = gotland.call("GET", path)
        assert [r["number"] for r in detail["revisions"]] == list(range(1, round_ + 1))
        assert gotland.call("POST", path + "/reopen")[0] == 200


def test_parallel_make_current_leaves_exactly_one_current_plan(apis):
    gotland = apis["gotland"]
    ids = []
    for _ in range(2):
        status, plan = gotland.call("POST", "/plans", {**PLAN, "organization": "gotland"})
        assert gotland.call("POST", f"/plans/{plan['id']}/publish")[0] == 200
        ids.append(plan["id"])
    for _ in range(2):
        calls = [
            (lambda plan_id=plan_id: gotland.call("POST", f"/plans/{plan_id}/current"))
            for plan_id in ids * 3
        ]
        assert statuses(together(calls)) == [200] * 6
        current = [
            plan_id for plan_id in ids if gotland.call("GET", f"/plans/{plan_id}")[1]["is_current"]
        ]
        _, listed = gotland.call("GET", "/plans?organization=gotland&per_page=100")
        assert len(current) == 1
        assert [p["id"] for p in listed["items"] if p["is_current"]] == current


def test_parallel_backings_by_one_organisation_make_one_backing(apis):
    status, need = apis["gotland"].call("POST", "/needs", NEED)
    assert status == 201, need
    path = f"/needs/{need['id']}/backing"
    vallentuna = apis["vallentuna"]
    for _ in range(2):
        answers = together(
            [lambda: vallentuna.call("POST", path, {"organization": "vallentuna"})] * PARALLEL
        )
        codes = statuses(answers)
        assert codes[0] == 201 and codes.count(201) == 1, answers
        assert set(codes[1:]) <= {409, 422}, answers
        _, detail = vallentuna.call("GET", f"/needs/{need['id']}")
        assert [b["organization"]["slug"] for b in detail["backings"]] == ["vallentuna"]
        withdrawn = vallentuna.call("DELETE", path + "?organization=vallentuna")
        assert withdrawn[0] in (200, 204), withdrawn
