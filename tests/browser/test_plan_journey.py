"""In a real browser: an editor writes, publishes and revises a plan; visitors read it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in, open_part
from tests.conftest import PASSWORD


def fill_step(page, n: int, title: str, start: str, end: str, cost: str) -> None:
    page.locator(f"#steps-{n}-title").fill(title)
    page.locator(f"#steps-{n}-start_date").fill(start)
    page.locator(f"#steps-{n}-end_date").fill(end)
    page.locator(f"#steps-{n}-cost_sek").fill(cost)


SS_637040 = (
    "SS 637040:2016 Geografisk information – Detaljplan – Applikationsschema för planbestämmelser"
)


def test_editor_publishes_revises_and_sees_budget_change(new_page, make_user):
    make_user("redaktor@example.com", "Rut Redaktör", member_of="vallentuna", role="editor")
    editor = new_page()
    log_in(editor, "redaktor@example.com", PASSWORD)

    # The basics create the plan; then the editor goes on to the next part.
    editor.goto("/plans/new")
    expect(editor.get_by_role("heading", level=1)).to_have_text("Ny handlingsplan")
    editor.get_by_label("Rubrik", exact=True).fill("Digital byggprocess 2025–2026")
    editor.get_by_label("Första år").fill("2025")
    editor.get_by_label("Sista år").fill("2026")
    editor.get_by_role("button", name="Spara", exact=True).click()
    expect(editor.get_by_role("heading", level=1)).to_have_text(
        "Befintliga strategier och planer – Digital byggprocess 2025–2026"
    )
    plan_url = editor.url.split("/edit/")[0]

    open_part(editor, "Var vi står")
    editor.get_by_label("Nuläge").fill("Mycket sker på **papper**.")
    editor.get_by_role("button", name="Spara", exact=True).click()
    expect(editor.locator(".flash-success")).to_contain_text("Var vi står: sparat.")

    # Steps: rows are added and removed in place (JavaScript), nothing typed is lost.
    open_part(editor, "Steg och budget")
    fill_step(editor, 0, "Digitalisera detaljplaner", "2025-01-01", "2025-12-31", "100 000")
    page_url = editor.url
    for _row in range(3):
        editor.get_by_role("button", name="Lägg till ett steg").click()
    assert editor.url == page_url
    expect(editor.locator("#steps-0-title")).to_have_value("Digitalisera detaljplaner")
    fill_step(editor, 1, "Tas bort igen", "2025-01-01", "2025-02-01", "1")
    fill_step(editor, 2, "Ansluta till NGP", "2025-07-01", "2026-06-30", "200000")
    fill_step(editor, 3, "E-tjänst för bygglov", "2026-01-01", "2026-12-31", "50000")
    editor.get_by_role("group", name="Nytt steg").filter(
        has=editor.locator("#steps-1-title")
    ).get_by_role("button", name="Ta bort steget").click()
    expect(editor.locator("#steps-1-title")).to_have_count(0)
    expect(editor.locator("#steps-2-title")).to_have_value("Ansluta till NGP")
    editor.get_by_role("button", name="Spara", exact=True).click()
    expect(editor.locator(".flash-success")).to_contain_text("Steg och budget: sparat.")

    # Standards: a filter box narrows the checkbox list; the adoption status shows when ticked.
    open_part(editor, "Standarder och nationella lösningar")
    bfs = editor.get_by_label("BFS 2020:5 – Boverkets föreskrifter om detaljplan", exact=True)
    status = editor.get_by_label(
        "Införandestatus: BFS 2020:5 – Boverkets föreskrifter om detaljplan"
    )
    expect(status).to_be_hidden()
    editor.get_by_label("Hitta en standard").fill("bfs 2020:5")
    expect(bfs).to_be_visible()
    expect(editor.get_by_label(SS_637040, exact=True)).to_be_hidden()
    expect(editor.locator("[data-filter-count]")).to_contain_text("1 av")
    bfs.check()
    status.select_option("in_progress")
    editor.get_by_label("Hitta en standard").fill("637040")
    expect(bfs).to_be_hidden()
    editor.get_by_label(SS_637040, exact=True).check()
    editor.get_by_label("Hitta en standard").press("Enter")  # filters, never saves
    assert editor.url.endswith("/edit/standards")
    editor.get_by_role("button", name="Spara", exact=True).click()
    expect(editor.locator(".flash-success")).to_contain_text("sparat.")

    editor.goto(plan_url)
    expect(editor.get_by_text("Utkast", exact=True).first).to_be_visible()
    expect(editor.get_by_text("350 000 kr").first).to_be_visible()
    expect(editor.locator("#standards tbody tr")).to_have_count(2)
    expect(editor.locator(".steps-table tbody tr")).to_have_count(3)

    # Publish it.
    editor.get_by_role("button", name="Publicera").click()
    expect(editor.locator(".flash-success")).to_contain_text("Planen är publicerad.")

    # Start a new version, make a step dearer and publish again.
    editor.get_by_role("button", name="Ny version (utkast bredvid den publicerade)").click()
    expect(editor.locator(".draft-banner")).to_be_visible()
    draft_url = editor.url
    editor.get_by_role("link", name="Redigera", exact=True).click()
    open_part(editor, "Steg och budget")
    expect(editor.locator("#steps-1-cost_sek")).to_have_value("200000")
    editor.locator("#steps-1-cost_sek").fill("300 000")
    editor.get_by_role("button", name="Spara", exact=True).click()
    editor.goto(draft_url)
    expect(editor.get_by_text("450 000 kr").first).to_be_visible()
    editor.get_by_role("button", name="Publicera den nya versionen").click()
    expect(editor.locator(".flash-success")).to_be_visible()

    # The history diff shows the budget change.
    editor.get_by_role("link", name=re.compile("Historik")).click()
    editor.get_by_role("link", name="Ändringar sedan version 1").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text(
        "Ändringar från version 1 till version 2"
    )
    expect(editor.locator("del", has_text="350 000 kr")).to_be_visible()
    expect(editor.locator("ins", has_text="450 000 kr")).to_be_visible()
    expect(editor.locator("ins", has_text="300 000 kr")).to_be_visible()

    # A second plan stays a draft.
    editor.goto("/plans/new")
    editor.get_by_label("Rubrik", exact=True).fill("Hemligt utkast")
    editor.get_by_label("Första år").fill("2027")
    editor.get_by_label("Sista år").fill("2028")
    editor.get_by_role("button", name="Spara", exact=True).click()
    expect(editor.get_by_role("heading", level=1)).to_contain_text("Hemligt utkast")
    draft_url = editor.url.split("/edit/")[0]

    # An anonymous visitor reads the published plan but gets 404 for the draft.
    visitor = new_page()
    response = visitor.goto(plan_url)
    assert response.status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Digital byggprocess 2025–2026")
    expect(visitor.locator("#current_situation strong")).to_have_text("papper")
    expect(visitor.get_by_role("img", name="Självskattning av mognad")).to_have_count(0)
    response = visitor.goto(draft_url)
    assert response.status == 404
    visitor.goto("/plans")
    expect(visitor.get_by_role("link", name="Digital byggprocess 2025–2026")).to_be_visible()
    expect(visitor.get_by_role("link", name="Hemligt utkast")).to_have_count(0)
    assert editor.js_errors == [] and visitor.js_errors == []
