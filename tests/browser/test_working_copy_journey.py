"""In a real browser: while an editor writes the next version of a published plan, a visitor
in another browser keeps reading the published one, until the editor publishes."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import log_in, open_part
from tests.conftest import PASSWORD


def test_visitors_read_the_published_version_until_the_next_is_published(new_page, make_user):
    make_user("revision@example.com", "Vera Version", member_of="vallentuna", role="editor")
    editor = new_page()
    log_in(editor, "revision@example.com", PASSWORD)

    # Write and publish a plan.
    editor.goto("/plans/new")
    editor.get_by_label("Rubrik", exact=True).fill("Plan under omarbetning")
    editor.get_by_label("Första år").fill("2025")
    editor.get_by_label("Sista år").fill("2027")
    editor.get_by_role("button", name="Spara", exact=True).click()
    open_part(editor, "Var vi står")
    editor.get_by_label("Nuläge").fill("Ärendena handläggs på papper.")
    editor.get_by_role("button", name="Spara", exact=True).click()
    editor.goto(editor.url.split("/edit/")[0])
    editor.get_by_role("button", name="Publicera").click()
    expect(editor.locator(".flash-success")).to_contain_text("Planen är publicerad.")
    plan_url = editor.url

    # Start the next version: a draft beside the published plan, with a banner.
    editor.get_by_role("button", name="Ny version (utkast bredvid den publicerade)").click()
    expect(editor.locator(".draft-banner")).to_contain_text("Du ser ett utkast till nästa version.")
    draft_url = editor.url
    assert draft_url != plan_url

    # Edit one section of the draft.
    editor.get_by_role("link", name="Redigera", exact=True).click()
    open_part(editor, "Var vi står")
    editor.get_by_label("Nuläge").fill("Ärendena handläggs digitalt i e-tjänsten.")
    editor.get_by_role("button", name="Spara", exact=True).click()
    expect(editor.locator(".flash-success")).to_contain_text("Var vi står: sparat.")
    editor.goto(draft_url)
    expect(editor.locator("#current_situation")).to_contain_text("digitalt i e-tjänsten")

    # Someone else, not logged in, still reads the published version at the same address,
    # with no sign of the draft; the draft's own address is 404 to them.
    visitor = new_page()
    assert visitor.goto(plan_url).status == 200
    expect(visitor.locator("#current_situation")).to_contain_text("handläggs på papper")
    expect(visitor.get_by_text("digitalt i e-tjänsten")).to_have_count(0)
    expect(visitor.locator(".draft-banner")).to_have_count(0)
    assert visitor.goto(draft_url).status == 404

    # The editor sees the published version with a link to the draft, then publishes it.
    editor.get_by_role("link", name="Visa den publicerade versionen").click()
    expect(editor.locator("#current_situation")).to_contain_text("handläggs på papper")
    editor.get_by_role("link", name="Visa utkastet till den nya versionen").click()
    editor.get_by_role("button", name="Publicera den nya versionen").click()
    expect(editor.locator(".flash-success")).to_contain_text("Planen är publicerad.")
    assert editor.url == plan_url

    # The visitor now reads the new version at the same address.
    visitor.goto(plan_url)
    expect(visitor.locator("#current_situation")).to_contain_text("digitalt i e-tjänsten")
    expect(visitor.get_by_role("link", name="Historik (2 publicerade versioner)")).to_be_visible()
    assert visitor.goto(draft_url).status == 404
    assert editor.js_errors == [] and visitor.js_errors == []
