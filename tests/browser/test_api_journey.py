"""In a real browser: the API documentation renders, and a user creates and uses a token."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD


def test_api_docs_render_swagger_ui_from_local_assets(new_page, live_server):
    page = new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server) else None,
    )
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="API").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/organizations")
    assert page.js_errors == []
    assert [u for u in outside if not u.startswith("data:")] == []


def test_create_a_token_and_use_it(new_page, make_user, live_server):
    make_user("tina@example.com", "Tina Token", member_of="gotland", role="editor")
    page = new_page()
    log_in(page, "tina@example.com", PASSWORD)
    page.goto("/account")
    page.get_by_role("link", name="API-tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API-tokens")
    page.get_by_label("Namn").fill("Mitt skript")
    page.get_by_role("button", name="Skapa token").click()
    secret = page.locator("#new-token").inner_text()
    assert re.fullmatch(r"ptk_[A-Za-z0-9_-]{43}", secret)
    expect(page.get_by_role("table")).to_contain_text("Mitt skript")

    # A program without the browser's cookies uses the token.
    program = new_page()
    response = program.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status == 200
    me = response.json()
    assert me["name"] == "Tina Token"
    assert me["memberships"][0]["organization"]["slug"] == "gotland"

    page.get_by_role("button", name="Återkalla Mitt skript").click()
    expect(page.get_by_role("table")).to_contain_text("återkallad")
