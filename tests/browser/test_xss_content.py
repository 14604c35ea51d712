"""XSS in a real Chromium for the plans, experiences, needs, standards, tokens and search pages.

Every payload of tests/security_payloads.py goes into every user-text field of these
features through the forms a person uses; a few payloads share one submission, so the whole
set goes through every field in about fifteen submissions per form. The first submission of
each form is typed (Playwright fills the drawn inputs and presses the button); the others are
sent by the browser from a parsed copy of the same form in the same session, without drawing
it. Then every page that shows them is opened and drawn: no script may run, and plain-text
fields must show the payloads as text. (The form-by-form suite,
test_xss.py, covers the account and organisation fields.)
"""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.search import indexing
from tests.browser.test_xss import (
    ADMIN,
    MEMBER,
    Watched,
    listed_text,
    log_in,
    normalise,
    send,
)
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
        control = form.locator(f'[name="{name}"]')
        if control.first.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:  # a checkbox list, perhaps folded in a <details> that a person opens first
            box = form.locator(f'[name="{name}"][value="{value}"]')
            box.evaluate("e => { const d = e.closest('details'); if (d) d.open = true; }")
            box.check()
    for name, value in fields.items():
        form.locator(f'[name="{name}"]').fill(value)
    with page.expect_navigation() as navigation:
        # The form's own send button is its last one (the plan form has "Add a step" first).
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
    """Every text field of the plan editor (a strategy, a decision and a step row included)."""
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


# The sections of the plan editor the fields above are on.
PLAN_SECTIONS = {
    "strategies": "strategies-",
    "analysis": "current_situation",
    "motives": "decisions-",
    "steps": "steps-",
}
BASICS = ("title", "summary", "period_start_year", "period_end_year")


def section_fields(fields: dict[str, str], section: str) -> dict[str, str]:
    if section == "basics":
        return {name: fields[name] for name in BASICS}
    return {n: v for n, v in fields.items() if n.startswith(PLAN_SECTIONS[section])}


def standard_option(watched: Watched, url: str, select_name: str, i: int) -> str:
    """The option value of the i-th typed standard in a select of the form at `url`."""
    watched.page.goto(url)
    option = watched.page.locator(
        f'[name="{select_name}"] option', has_text=re.compile(rf"{MARK} {i}$")
    )
    return option.first.get_attribute("value")


def standard_id(app, slug: str) -> str:
    from portal.extensions import db
    from portal.standards.models import Standard

    with app.app_context():
        found = db.session.scalar(select(Standard.id).where(Standard.slug == slug))
        db.session.remove()
    return str(found)


def working_copy_id(app, plan_id: int) -> int:
    from portal.extensions import db
    from portal.plans.models import Plan

    with app.app_context():
        found = db.session.scalar(select(Plan.id).where(Plan.working_copy_of_id == plan_id))
        db.session.remove()
    return found


def type_content(app, watched: Watched) -> dict[str, list]:
    """Type every text into every field of the standard, plan, experience, comment, need and
    answer forms; return what was made."""
    ids = _ids(app)
    supplier_id = make_supplier(app)
    made: dict[str, list] = {"plans": [], "experiences": [], "needs": [], "standards": []}
    for i, text in enumerate(TEXTS):
        typed = i == 0  # the first text is typed into the drawn forms, the rest sent (above)

        def fill(url: str, fields: dict, choose: dict, typed: bool = typed) -> str:
            if typed:
                return submit(watched, url, fields, choose)
            return send(watched, url, fields, choose)

        def push(url: str, action: str, typed: bool = typed) -> None:
            if typed:
                press(watched, url, action)
            else:
                send(watched, url, {}, {}, f'main form[action$="/{action}"]')

        title = f"{text} {MARK} {i}"
        landed = fill(
            "/standards/new", {"name": title, "owner_name": text, "description": text}, {}
        )
        slug = landed.rsplit("/", 1)[-1]

        if typed:
            step_standard = standard_option(watched, "/experiences/new", "standard_ids", i)
        else:
            step_standard = standard_id(app, slug)
        fields = plan_fields(title, text, "")
        landed = fill(
            "/plans/new",
            section_fields(fields, "basics"),
            {"organisation_id": ids["vallentuna"]},
        )
        plan_id = int(re.search(r"/plans/(\d+)", landed).group(1))
        for section in PLAN_SECTIONS:
            choose = {"steps-0-standard_ids": step_standard} if section == "steps" else {}
            fill(f"/plans/{plan_id}/edit/{section}", section_fields(fields, section), choose)
        push(f"/plans/{plan_id}", "publish")
        push(f"/plans/{plan_id}", "reopen")
        # The next version is a draft of its own beside the plan, published from its page.
        draft = working_copy_id(app, plan_id)
        fields = plan_fields(title, text, " v2")
        for section in ("basics", *PLAN_SECTIONS):
            fill(f"/plans/{draft}/edit/{section}", section_fields(fields, section), {})
        push(f"/plans/{draft}", "publish")

        landed = fill(
            "/experiences/new",
            {"title": title, "body": text, "tags": text},
            {"organisation_id": ids["vallentuna"], "standard_ids": step_standard},
        )
        experience_id = int(re.search(r"/experiences/(\d+)", landed).group(1))
        push(f"/experiences/{experience_id}", "publish")
        fill(f"/experiences/{experience_id}", {"body": text}, {})

        landed = fill(
            "/needs/new",
            {"title": title, "description": text},
            {"organisation_id": ids["vallentuna"], "standard_id": step_standard},
        )
        need_id = int(re.search(r"/needs/(\d+)", landed).group(1))
        fill(
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
    # The index is brought up to date once, after all the forms, not after each one.
    app.config["SEARCH_INDEX_ON_COMMIT"] = False
    made = type_content(app, watched)
    with app.app_context():
        indexing.apply_pending_changes(wait=10)
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
    for form in ("/plans/new", "/experiences/new", "/needs/new"):  # every standard as an option
        visit(form)

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
    # (After the lists: a draft is in none of them.) Every page of the plan editor, with the payloads in its fields and lists.
    plan_id, title = made["plans"][0]
    press(watched, f"/plans/{plan_id}", "reopen")
    for section in ("basics", "strategies", "analysis", "maturity", "motives", "organisation",
                    "standards", "steps", "competence", "partners"):  # fmt: skip
        visit(f"/plans/{plan_id}/edit/{section}")

    member = Watched(new_page())
    log_in(member.page, MEMBER)
    for i, name in enumerate(TOKEN_NAMES):
        (submit if i == 0 else send)(member, "/account/tokens", {"name": name}, {})
    member.page.goto("/account/tokens")
    member.check("/account/tokens", "(all payloads)")
    text = member.main_text()
    missing = [name for name in TOKEN_NAMES if normalise(name) not in text]
    assert not missing, missing[:3]
    watched.page.wait_for_timeout(200)
    watched.check("at the end", "(all payloads)")
