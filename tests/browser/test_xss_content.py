"""XSS in a real Chromium for the plans, experiences, needs, standards, tokens and search pages.

Every payload of tests/security_payloads.py is typed into every user-text field of these
features through the forms a person uses (Playwright fills the inputs and presses the
button); a few payloads share one submission, so the whole set goes through every field in a
handful of submissions per form. Then every page that shows them is opened once: no script
may run, and plain-text fields must show the payloads as text. (The form-by-form suite,
test_xss.py, covers the account and organisation fields.)
"""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.browser.test_xss import ADMIN, MEMBER, Watched, listed_text, log_in, normalise
from tests.security_payloads import XSS_PAYLOADS, pack

MARK = "xssprov"  # a word in every title, so that one search finds them all


# Every text fits the shortest field it is typed into (200 characters) with its title suffix.
TEXTS = pack(XSS_PAYLOADS, 170)
TOKEN_NAMES = pack(XSS_PAYLOADS, 100)


def submit(watched: Watched, url: str, fields: dict[str, str], choose: dict[str, str]) -> str:
    """Open the form at `url`, type the fields, pick the options, send; return where it lands."""
    page = watched.page
    page.goto(url)
    first = next(iter(fields))
    form = page.locator(f'main form:has([name="{first}"])').first
    for name, value in choose.items():
        form.locator(f'[name="{name}"]').select_option(value)
    for name, value in fields.items():
        form.locator(f'[name="{name}"]').fill(value)
    with page.expect_navigation() as navigation:
        # The form's own send button is its last one (the plan form has "Add more rows" first).
        form.locator("[type=submit]").last.click()
    status = navigation.value.status if navigation.value else None
    watched.check(f"after submitting to {url}", fields[first])
    assert status is not None and status < 400, (url, status, watched.main_text()[:500])
    return re.sub(r"^https?://[^/]+|[?#].*$", "", page.url)


def press(watched: Watched, url: str, action: str) -> None:
    """On the page at `url`, press the button of the form that posts to .../`action`."""
    page = watched.page
    page.goto(url)
    with page.expect_navigation():
        page.locator(f'main form[action$="/{action}"] [type=submit]').first.click()
    watched.check(f"after {action} on {url}", "(payloads)")


def _ids(app) -> dict[str, str]:
    from portal.extensions import db
    from portal.orgs.models import Organisation

    with app.app_context():
        slugs = ("vallentuna", "gotland")
        found = db.session.execute(
            select(Organisation.slug, Organisation.id).where(Organisation.slug.in_(slugs))
        )
        return {slug: str(org_id) for slug, org_id in found}


def make_supplier(app) -> str:
    """A verified supplier the admin answers for (set-up, not a payload field)."""
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.orgs.models import OrganisationKind
    from portal.orgs.services import register_organisation

    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        supplier = register_organisation(
            admin, name="Demo Systemleverantör AB", kind=OrganisationKind.SUPPLIER
        )
        supplier.verified = True
        db.session.commit()
        supplier_id = str(supplier.id)
        db.session.remove()
    return supplier_id


def unsafe_addresses(app, plan_ids: list[int], slugs: list[str]) -> None:
    """Addresses that skipped the forms' checks (as from an import) are not links."""
    from portal.extensions import db
    from portal.plans.models import Plan
    from portal.standards.models import Standard

    with app.app_context():
        for plan_id in plan_ids:
            db.session.get(Plan, plan_id).strategies[0].url = "javascript:alert(1)//https://"
        for standard in db.session.scalars(select(Standard).where(Standard.slug.in_(slugs))):
            standard.url = " jAvAsCrIpT:alert(1)"
        db.session.commit()
        db.session.remove()


def plan_fields(title: str, text: str, version: str) -> dict[str, str]:
    """Every text field of the plan form (a strategy, a decision and a step row included)."""
    return {
        "title": title + version,
        "summary": text + version,
        "current_situation": text + version,
        "period_start_year": "2025",
        "period_end_year": "2026",
        "strategies-0-title": text + version,
        "strategies-0-owner": text,
        "decisions-0-body": text,
        "decisions-0-description": text + version,
        "steps-0-title": text + version,
        "steps-0-description": text,
        "steps-0-responsible": text,
        "steps-0-start_date": "2025-01-01",
        "steps-0-end_date": "2025-06-30",
    }


def standard_option(watched: Watched, url: str, select_name: str, i: int) -> str:
    """The option value of the i-th typed standard in a select of the form at `url`."""
    watched.page.goto(url)
    option = watched.page.locator(
        f'[name="{select_name}"] option', has_text=re.compile(rf"{MARK} {i}$")
    )
    return option.first.get_attribute("value")


def type_content(app, watched: Watched) -> dict[str, list]:
    """Type every text into every field of the standard, plan, experience, comment, need and
    answer forms; return what was made."""
    ids = _ids(app)
    supplier_id = make_supplier(app)
    made: dict[str, list] = {"plans": [], "experiences": [], "needs": [], "standards": []}
    for i, text in enumerate(TEXTS):
        title = f"{text} {MARK} {i}"
        landed = submit(
            watched,
            "/standards/new",
            {"name": title, "owner_name": text, "description": text},
            {},
        )
        slug = landed.rsplit("/", 1)[-1]

        step_standard = standard_option(watched, "/plans/new", "steps-0-standard_ids", i)
        landed = submit(
            watched,
            "/plans/new",
            plan_fields(title, text, ""),
            {"organisation_id": ids["vallentuna"], "steps-0-standard_ids": step_standard},
        )
        plan_id = int(landed.rsplit("/", 1)[-1])
        press(watched, f"/plans/{plan_id}", "publish")
        press(watched, f"/plans/{plan_id}", "reopen")
        submit(watched, f"/plans/{plan_id}/edit", plan_fields(title, text, " v2"), {})
        press(watched, f"/plans/{plan_id}", "publish")

        landed = submit(
            watched,
            "/experiences/new",
            {"title": title, "body": text, "tags": text},
            {"organisation_id": ids["vallentuna"], "standard_ids": step_standard},
        )
        experience_id = int(re.search(r"/experiences/(\d+)", landed).group(1))
        press(watched, f"/experiences/{experience_id}", "publish")
        submit(watched, f"/experiences/{experience_id}", {"body": text}, {})

        landed = submit(
            watched,
            "/needs/new",
            {"title": title, "description": text},
            {"organisation_id": ids["vallentuna"], "standard_id": step_standard},
        )
        need_id = int(re.search(r"/needs/(\d+)", landed).group(1))
        submit(
            watched,
            f"/needs/{need_id}",
            {"product": text, "body": text},
            {"organisation_id": supplier_id, "support_status": "planned"},
        )

        made["plans"].append((plan_id, title))
        made["experiences"].append((experience_id, title))
        made["needs"].append((need_id, title))
        made["standards"].append((slug, title))
    unsafe_addresses(app, [p for p, _ in made["plans"]], [s for s, _ in made["standards"]])
    return made


def test_new_content_payloads_are_shown_as_text_and_never_run(
    app, new_page, make_user, search_index
):
    make_user(ADMIN, "Astrid Admin", member_of="vallentuna", role="admin", site_admin=True)
    make_user(MEMBER, "Maja Medlem", member_of="vallentuna", role="member")
    watched = Watched(new_page())
    log_in(watched.page, ADMIN)
    made = type_content(app, watched)
    titles = [title for _, title in made["plans"]]
    # Every payload went through every field above, whole and in order.
    assert " ".join(TEXTS) == " ".join(XSS_PAYLOADS)

    def visit(url: str, *shown: str) -> None:
        watched.page.goto(url)
        watched.check(url, "(all payloads)")
        if shown:
            text = watched.main_text()
            missing = [s for s in shown if normalise(s) not in text]
            assert not missing, (url, missing[:3])

    for plan_id, title in made["plans"]:
        visit(f"/plans/{plan_id}", title + " v2")
        visit(f"/plans/{plan_id}/history")
        visit(f"/plans/{plan_id}/revisions/1", title)
        visit(f"/plans/{plan_id}/history/compare?a=1&b=2", title, title + " v2")
    for experience_id, title in made["experiences"]:
        visit(f"/experiences/{experience_id}", title)
    for need_id, title in made["needs"]:
        visit(f"/needs/{need_id}", title)
    for slug, title in made["standards"]:
        visit(f"/standards/{slug}", title)

    for url, expected in [
        ("/plans", [t + " v2" for t in titles]),
        ("/experiences", titles),
        ("/needs", titles),
        ("/needs/for-suppliers", titles),
        ("/standards", titles),
        ("/organizations/vallentuna", []),
        ("/search?q=" + MARK, []),
    ]:
        text = listed_text(watched, url, "(all payloads)")
        missing = [t for t in expected if normalise(t) not in text]
        assert not missing, (url, missing[:3])

    member = Watched(new_page())
    log_in(member.page, MEMBER)
    for name in TOKEN_NAMES:
        submit(member, "/account/tokens", {"name": name}, {})
    member.page.goto("/account/tokens")
    member.check("/account/tokens", "(all payloads)")
    text = member.main_text()
    missing = [name for name in TOKEN_NAMES if normalise(name) not in text]
    assert not missing, missing[:3]
    watched.page.wait_for_timeout(200)
    watched.check("at the end", "(all payloads)")
