"""Screenshots of the main pages on a phone and at a desk, for the README.

    python tools/screenshots.py [--out docs/screenshots] [--full]

Builds a throwaway portal with the demo data in a temporary folder (its own SQLite database
and search index: nothing of yours is touched), serves it on a free local port and takes one
PNG per page and width with Playwright in headless Chromium (/usr/bin/chromium, or CHROMIUM).
Each picture is the first screen a visitor sees, in Swedish; --full takes whole pages instead
(to look them over, not to commit).
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def build_portal(folder: Path):
    """A portal app on a new database in `folder`, migrated, with demo data and an index."""
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder / 'portal.sqlite3'}",
        SEARCH_INDEX_DIR=str(folder / "search_index"),
        SECRET_KEY=secrets.token_hex(16),
        SESSION_COOKIE_SECURE="0",
        RATELIMIT_ENABLED="0",
    )
    sys.path.insert(0, str(ROOT))
    from portal import create_app

    app = create_app()
    logging.getLogger("portal.requests").setLevel(logging.WARNING)  # no line per request
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "--demo"], ["search", "update"]):
        result = runner.invoke(args=command)
        if result.exit_code != 0:
            raise SystemExit(f"flask {' '.join(command)} failed:\n{result.output}")
    return app


def pages(app) -> dict[str, str]:
    """The pages to show, by file name: the plan with the most steps, and three plans
    side by side."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.plans.models import Plan, PlanStatus, PlanStep

    with app.app_context():
        published = (
            select(Plan.id)
            .join(PlanStep, PlanStep.plan_id == Plan.id)
            .where(Plan.status == PlanStatus.PUBLISHED)
            .group_by(Plan.id)
            .order_by(func.count(PlanStep.id).desc(), Plan.id)
        )
        plan_ids = list(db.session.scalars(published.limit(3)))
        db.session.remove()
    return {
        "home": "/",
        "plan": f"/plans/{plan_ids[0]}",
        "comparison": "/plans/compare?ids=" + ",".join(map(str, sorted(plan_ids))),
        "search": "/search?q=bygglov",
        "needs": "/needs",
    }


def serve(app) -> tuple[str, object]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--full", action="store_true", help="whole pages, not the first screen")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="portal-screenshots-") as tmp:
        app = build_portal(Path(tmp))
        base_url, server = serve(app)
        args.out.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                )
                shown = pages(app)
                for viewport in WIDTHS.values():
                    context = browser.new_context(
                        base_url=base_url, locale="sv-SE", viewport=viewport
                    )
                    page = context.new_page()
                    for name, url in shown.items():
                        response = page.goto(url)
                        if response is None or response.status != 200:
                            raise SystemExit(f"{url} answered {response and response.status}")
                        target = args.out / f"{name}-{viewport['width']}.png"
                        page.screenshot(path=target, full_page=args.full)
                        print(target)
                    context.close()
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
