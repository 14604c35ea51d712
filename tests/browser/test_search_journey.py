"""In a real browser: search from the header, narrow by a facet, open a result, come back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect


@pytest.mark.usefixtures("search_index")
def test_search_narrow_by_organisation_kind_open_a_result_and_come_back(new_page):
    page = new_page()
    page.goto("/")
    # The header box, on every page. `bygglovet` (definite form) finds `bygglov` and the
    # compound `bygglovsbeslut`: the e-service standard and the county boards.
    page.get_by_role("search").get_by_label("Sök i portalen").fill("bygglovet")
    page.get_by_role("search").get_by_role("button", name="Sök").click()
    expect(page).to_have_url(re.compile(r"/search\?q=bygglovet"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök")
    status = page.get_by_role("status")
    expect(status).to_contain_text("träffar")
    total = int(re.search(r"\d+", status.inner_text()).group())
    expect(page.get_by_role("heading", name=re.compile("E-tjänster för bygglov"))).to_be_visible()

    # Narrow by organisation kind with the facet (a plain link with its count).
    kinds = page.get_by_role("list", name="Typ av organisation")
    authority = kinds.get_by_role("link", name=re.compile(r"^Myndighet \(\d+\)"))
    narrowed = int(re.search(r"\((\d+)\)", authority.inner_text()).group(1))
    authority.click()
    expect(page).to_have_url(re.compile(r"kind=authority"))
    expect(page.get_by_role("status")).to_contain_text(f"{narrowed} träffar")
    assert narrowed <= total
    expect(kinds.get_by_role("link", name=re.compile("Myndighet")).first).to_have_attribute(
        "aria-current", "true"
    )
    expect(page.locator("mark").first).to_be_visible()

    # Open a result ...
    page.get_by_role("main").get_by_role("link", name="Länsstyrelsen Stockholm").click()
    expect(page).to_have_url(re.compile(r"/organizations/lansstyrelsen-stockholm$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Länsstyrelsen Stockholm")

    # ... and come back: the query is still in the box and the facet still applied.
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=bygglovet.*kind=authority"))
    expect(page.get_by_label("Sök efter")).to_have_value("bygglovet")
    expect(page.get_by_role("status")).to_contain_text(f"{narrowed} träffar")
    expect(
        page.get_by_role("list", name="Typ av organisation").get_by_role(
            "link", name=re.compile("Myndighet")
        )
    ).to_have_attribute("aria-current", "true")
    assert page.js_errors == []
