"""In a real browser: a supplier follows a standard; a municipality posts a need about it; the
supplier sees the unread badge, opens the notification and answers; the municipality sees its
notification and the answer on its start page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_need_journey import _verified_supplier
from tests.conftest import PASSWORD

STANDARD = "/standards/planbestammelsekatalogen"
TITLE = "Bestämmelsekoder i planverktyget"


def test_supplier_follows_a_standard_is_told_of_a_need_and_answers(app, new_page, make_user):
    make_user("eva@example.com", "Eva Editor", member_of="vallentuna", role="editor")
    _verified_supplier(app, make_user, "siri@example.com")

    # The supplier follows the standard from its page.
    siri = new_page()
    log_in(siri, "siri@example.com", PASSWORD)
    siri.goto(STANDARD)
    siri.get_by_role("button", name=re.compile(r"^Följ ")).click()
    expect(siri.locator(".flash-success")).to_contain_text("Du följer nu detta")
    expect(siri.get_by_role("button", name=re.compile(r"^Sluta följa "))).to_be_visible()
    expect(siri.locator(".nav-end .count-badge")).to_have_count(0)

    # A municipality posts a need about it.
    eva = new_page()
    log_in(eva, "eva@example.com", PASSWORD)
    eva.goto(STANDARD)
    eva.get_by_role("link", name="Lägg upp ett behov om den här standarden").click()
    eva.get_by_label("För organisationen").select_option(label="Vallentuna")
    eva.get_by_label("Rubrik").fill(TITLE)
    eva.get_by_label("Beskrivning").fill("Vi behöver välja bestämmelser ur katalogen.")
    eva.get_by_role("button", name="Publicera behovet").click()
    expect(eva.get_by_role("heading", level=1)).to_have_text(TITLE)

    # The supplier sees the badge, opens the notification and lands on the need.
    siri.goto("/")
    my_page = siri.get_by_role("link", name=re.compile(r"^Min sida.*\(1 oläst avisering\)"))
    expect(my_page).to_be_visible()
    expect(siri.locator(".nav-end .count-badge")).to_have_text("1")
    my_page.click()
    unread = siri.get_by_role("region", name="Olästa aviseringar")
    unread.get_by_role("button", name=re.compile(r"^Nytt behov om .*" + TITLE)).click()
    expect(siri.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(siri.locator(".nav-end .count-badge")).to_have_count(0)

    # ... and answers it.
    siri.get_by_label("Produkt", exact=True).fill("Planverktyg Pro")
    siri.get_by_label("Stöd", exact=True).select_option(label="Planerat")
    siri.get_by_label("Svar", exact=True).fill("Kommer i version 5.")
    siri.get_by_role("button", name="Publicera svaret").click()
    expect(siri.locator(".flash-success")).to_contain_text("Ert svar är publicerat")

    # The municipality sees its notification and the answer on its start page.
    eva.get_by_role("link", name=re.compile(r"^Min sida")).click()
    expect(eva).to_have_url(re.compile(r"/start$"))
    expect(eva.locator(".nav-end .count-badge")).to_have_text("1")
    unread = eva.get_by_role("region", name="Olästa aviseringar")
    expect(unread).to_contain_text(f"Planverktyg AB svarade på behovet ”{TITLE}”")
    needs = eva.get_by_role("region", name="Behov vi har lagt upp eller stöder")
    expect(needs).to_contain_text(TITLE)
    expect(needs).to_contain_text("Svar från Planverktyg AB: Planverktyg Pro, Planerat")
    assert siri.js_errors == [] and eva.js_errors == []
