"""In a real browser: register, ask to join Vallentuna, get approved, see the members page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD


def test_register_join_approve_and_see_members(new_page, make_user, live_server):
    make_user(
        "admin.vallentuna@example.com", "Vera Vallentuna", member_of="vallentuna", role="admin"
    )

    # A newcomer registers.
    newcomer = new_page()
    newcomer.goto("/auth/register")
    newcomer.get_by_label("Namn").fill("Nils Nykomling")
    newcomer.get_by_label("E-post").fill("nils@example.com")
    newcomer.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    newcomer.get_by_label("Upprepa lösenord").fill(PASSWORD)
    newcomer.get_by_role("button", name="Skapa konto").click()
    # Registration answers the same for taken and free addresses; the newcomer then logs in.
    expect(newcomer.locator(".flash-success")).to_be_visible()
    log_in(newcomer, "nils@example.com", PASSWORD)

    # ... finds Vallentuna through the filter and asks to join.
    newcomer.goto("/organizations")
    newcomer.get_by_label("Namn").fill("Vallentuna")
    newcomer.get_by_role("button", name="Filtrera").click()
    newcomer.get_by_role("link", name="Vallentuna", exact=True).click()
    expect(newcomer).to_have_url(re.compile(r"/organizations/vallentuna$"))
    newcomer.get_by_role("button", name="Ansök om medlemskap").click()
    expect(newcomer.locator(".flash-success")).to_be_visible()
    newcomer.goto("/organizations/vallentuna/members")
    expect(newcomer.get_by_role("heading", level=1)).not_to_contain_text("Medlemmar i")

    # The organisation's admin approves the request.
    admin = new_page()
    log_in(admin, "admin.vallentuna@example.com", PASSWORD)
    admin.goto("/organizations/vallentuna/members")
    admin.get_by_role("button", name="Godkänn Nils Nykomling").click()
    expect(admin.locator(".flash-success")).to_be_visible()
    expect(admin.get_by_role("cell", name="nils@example.com")).to_be_visible()

    # The new member now sees the members page.
    newcomer.goto("/organizations/vallentuna/members")
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Medlemmar i Vallentuna")
    expect(newcomer.get_by_role("cell", name="Vera Vallentuna")).to_be_visible()
    assert newcomer.js_errors == [] and admin.js_errors == []


def test_anonymous_visitor_gets_the_login_page_for_members(new_page):
    page = new_page()
    page.goto("/organizations/vallentuna/members")
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
