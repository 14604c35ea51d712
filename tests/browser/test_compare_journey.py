"""In a real browser: from Gotland's plan, compare with Vallentuna and a fictional plan."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from portal.extensions import db
from portal.seed import seed_demo
from tests.browser.test_accessibility import audit


def test_compare_three_plans_share_the_url_and_download_csv(app, new_page):
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
    page = new_page()
    page.goto("/plans?org=gotland")
    page.get_by_role("link", name=re.compile("DiSa")).first.click()
    page.get_by_role("link", name="Jämför med...").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jämför planer")
    expect(page.get_by_role("checkbox", name=re.compile("^Gotland: DiSa"))).to_be_checked()

    # Add Vallentuna by searching its name (works without JavaScript: a GET form).
    page.get_by_label("Lägg till planer från en organisation (namn)").fill("Vallentuna")
    page.get_by_role("button", name="Sök organisationer").click()
    page.get_by_role("checkbox", name=re.compile("^Vallentuna: ")).check()
    page.get_by_label("Lägg till planer från en organisation (namn)").fill("Exempelkommunen")
    page.get_by_role("button", name="Sök organisationer").click()
    page.get_by_role("checkbox", name=re.compile("^Exempelkommunen: ")).check()
    page.get_by_role("button", name="Jämför valda planer").click()

    overview = page.locator("section[aria-labelledby=h-overview] table")
    expect(overview.locator("thead th")).to_have_count(4)
    for name in ("Gotland", "Vallentuna", "Exempelkommunen"):
        expect(overview).to_contain_text(name)
    expect(overview).to_contain_text("26 000 000 kr")
    expect(page.get_by_role("img", name=re.compile("Mognad per dimension"))).to_be_visible()
    assert audit(page) == []

    # The URL holds the selection: another person opening it sees the same comparison.
    shared = new_page()
    shared.goto(page.url)
    assert shared.locator("section[aria-labelledby=h-overview] table").inner_text() == (
        overview.inner_text()
    )

    # Download the CSV: one row per plan, for Swedish Excel (BOM, semicolons, Swedish headers).
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner jämförelsen som CSV").click()
    data = Path(download_info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [r["Organisation"] for r in rows] == ["Gotland", "Vallentuna", "Exempelkommunen"]
    assert "Digital information: nuvarande nivå" in rows[0]

    # Compare with peers, for the fictional plan.
    page.get_by_role("link", name="Exempelkommunen bredvid jämförbara organisationer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jämför med liknande")
    expect(page.get_by_role("main")).to_contain_text("Provkommunen")
    assert audit(page) == []
    assert page.js_errors == []
