"""A live server and a real headless Chromium (Playwright) for end-to-end journeys."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (apt-get install -y chromium)")
        pytest.skip("no Chromium at /usr/bin/chromium; browser tests run in CI")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """Serve the test app on a free loopback port in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import expect, sync_playwright

    # expect() waits up to 5 s by default; a loaded CI machine can need longer.
    expect.set_options(timeout=20_000)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def csrf_on(app) -> Iterator[None]:
    """Browser journeys run with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def new_page(browser, live_server, csrf_on):
    """Open pages in fresh browser contexts (separate cookies, like separate people).
    `storage_state` (from `context.storage_state()`) starts one already logged in."""
    contexts = []

    def open_page(locale: str = "sv-SE", storage_state: dict | None = None):
        context = browser.new_context(
            base_url=live_server, locale=locale, storage_state=storage_state
        )
        contexts.append(context)
        page = context.new_page()
        # Generous: CI machines may be busy; a real failure is an assertion, not a slow page.
        page.set_default_timeout(45_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("main").get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/start")  # the personal start page


def open_part(page, name: str) -> None:
    """Go to a section of the editor through its table of contents."""
    from playwright.sync_api import expect

    page.get_by_role("navigation", name="Planens delar").get_by_role("link", name=name).click()
    expect(page.locator("[aria-current=page]", has_text=name)).to_be_visible()
