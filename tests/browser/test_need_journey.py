"""In a real browser: a municipality posts a need about a standard, another backs it, a
supplier answers "planned" with a date, the first marks it resolved; the standard's page
shows the need, the answer and the supplier."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD


def _verified_supplier(app, make_user, email: str) -> None:
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.orgs.models import OrganisationKind
    from portal.orgs.services import register_organisation

    user_id = make_user(email, "Siri Säljare")
    with app.app_context():
        supplier = register_organisation(
            db.session.get(User, user_id), name="Planverktyg AB", kind=OrganisationKind.SUPPLIER
        )
        supplier.verified = True
        db.session.commit()


def test_need_is_posted_backed_answered_and_resolved(app, new_page, make_user):
    make_user("eva@example.com", "Eva Editor", member_of="vallentuna", role="editor")
    make_user("gustav@example.com", "Gustav Gotland", member_of="gotland", role="editor")
    _verified_supplier(app, make_user, "siri@example.com")

    # A municipality editor posts a need from the standard's page.
    eva = new_page()
    log_in(eva, "eva@example.com", PASSWORD)
    eva.goto("/standards/planbestammelsekatalogen")
    eva.get_by_role("link", name="Lägg upp ett behov om den här standarden").click()
    expect(eva.get_by_role("heading", level=1)).to_have_text("Lägg upp ett behov")
    expect(eva.get_by_label("Standard eller nationell lösning")).to_have_value(re.compile(r"\d+"))
    eva.get_by_label("För organisationen").select_option(label="Vallentuna")
    eva.get_by_label("Rubrik").fill("Bestämmelsekoder i planverktyget")
    eva.get_by_label("Beskrivning").fill("Vi behöver välja bestämmelser **ur katalogen**.")
    eva.get_by_label("Produktområde").select_option(label="Detaljplaner")
    eva.get_by_label("Önskas senast").fill("2027-06-30")
    eva.get_by_role("button", name="Publicera behovet").click()
    expect(eva.get_by_role("heading", level=1)).to_have_text("Bestämmelsekoder i planverktyget")
    expect(eva.locator(".prose strong")).to_have_text("ur katalogen")
    need_url = eva.url

    # A second municipality backs it.
    gustav = new_page()
    log_in(gustav, "gustav@example.com", PASSWORD)
    gustav.goto(need_url)
    gustav.get_by_role("button", name="Vi behöver också detta").click()
    expect(gustav.locator(".flash-success")).to_contain_text("Gotland står nu bakom behovet")
    expect(gustav.get_by_text("1 organisation behöver detta också.")).to_be_visible()
    expect(gustav.get_by_role("button", name="Vi behöver också detta")).to_have_count(0)

    # A supplier member answers "planned" with a date.
    siri = new_page()
    log_in(siri, "siri@example.com", PASSWORD)
    siri.goto("/needs/for-suppliers")
    row = siri.get_by_role("row", name=re.compile("Bestämmelsekoder i planverktyget"))
    expect(row).to_contain_text("Inte besvarat ännu")
    row.get_by_role("link", name="Bestämmelsekoder i planverktyget").click()
    siri.get_by_label("Produkt", exact=True).fill("Planverktyg Pro")
    siri.get_by_label("Stöd", exact=True).select_option(label="Planerat")
    siri.get_by_label("Tillgängligt från").fill("2027-03-01")
    siri.get_by_label("Svar", exact=True).fill("Kommer i version 5.")
    siri.get_by_role("button", name="Publicera svaret").click()
    expect(siri.locator(".flash-success")).to_contain_text("Ert svar är publicerat")
    answer = siri.locator("article.card", has_text="Planverktyg Pro")
    expect(answer).to_contain_text("Planerat")
    expect(answer).to_contain_text("1 mars 2027")

    # The first editor sees the answer and marks the need resolved.
    eva.reload()
    expect(eva.locator(".meta .badge").first).to_have_text("Besvarat")
    eva.get_by_role("button", name="Markera som löst").click()
    expect(eva.locator(".flash-success")).to_contain_text("Löst")
    expect(eva.locator(".meta .badge").first).to_have_text("Löst")

    # The standard's page shows the need, the answer and the supplier.
    visitor = new_page()
    visitor.goto("/standards/planbestammelsekatalogen")
    resolved = visitor.locator("section", has=visitor.get_by_role("heading", name="Lösta behov"))
    expect(resolved.get_by_role("link", name="Bestämmelsekoder i planverktyget")).to_be_visible()
    support = visitor.locator(
        "section", has=visitor.get_by_role("heading", name="Vad leverantörerna säger")
    )
    supplier_row = support.get_by_role("row", name=re.compile("Planverktyg AB"))
    expect(supplier_row).to_contain_text("Planverktyg Pro")
    expect(supplier_row).to_contain_text("Planerat")
    expect(supplier_row).to_contain_text("1 mars 2027")
    for page in (eva, gustav, siri, visitor):
        assert page.js_errors == []
