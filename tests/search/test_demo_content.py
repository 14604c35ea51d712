"""The demo content is searchable after a rebuild, and the index matches the database."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.search.services import search
from portal.seed import seed_demo

pytestmark = pytest.mark.usefixtures("search_index")


def test_demo_seed_rebuild_verify_and_bygglovet(app, ctx, runner):
    seed_demo()
    db.session.commit()
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 0, result.output

    with app.test_request_context():
        results = search("bygglovet", per_page=100)
        types = {hit.doc_type for hit in results.hits}
        assert {"plan", "need"} <= types
        plan_urls = [hit.url for hit in results.hits if hit.doc_type == "plan"]
        assert all(url.startswith("/plans/") for url in plan_urls)
        # Narrowing by a facet value of plans keeps only plans.
        only_plans = search("bygglovet", selected={"type": ["plan"]}, per_page=100)
        assert only_plans.page.total == len(plan_urls)
        assert {hit.doc_type for hit in only_plans.hits} == {"plan"}
