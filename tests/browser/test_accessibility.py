"""axe-core in a real Chromium on every page type, in Swedish and English; keyboard-only use.

The pages are discovered from the app's URL map: every GET route is audited. A route that
needs an object in its URL, or a login, must be named in PAGES; one that is not a page must
be named in NOT_PAGES. A new page type therefore fails here until it is added (one line).
Every page with a validated form (``<form method="post" novalidate>``) must also have an
entry in FORM_ERRORS, which submits it with mistakes and audits the page with the errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from portal import create_app
from tests.conftest import PASSWORD

LOCALES = {"sv": "sv-SE", "en": "en-GB"}
BLOCKING_IMPACTS = {"serious", "critical"}

# Who looks at a page: None (anonymous) or one of the people made by `people()`.
ADMIN = "admin@a11y.example"  # admin of Vallentuna, site admin too (sees every control)
MEMBER = "member@a11y.example"  # plain member of Vallentuna


@dataclass(frozen=True)
class Visit:
    url: str
    as_user: str | None = None


# Endpoints whose URL needs an object or whose page needs a login.
PAGES: dict[str, list[Visit]] = {
    "orgs.show": [
        Visit("/organizations/vallentuna"),
        Visit("/organizations/vallentuna", ADMIN),
        Visit("/organizations/gotland", MEMBER),  # not a member: the join form
        Visit("/organizations/exempel-gis-ab", ADMIN),  # unverified: the verify button
    ],
    "orgs.edit": [Visit("/organizations/vallentuna/edit", ADMIN)],
    "orgs.members": [
        Visit("/organizations/vallentuna/members", ADMIN),
        Visit("/organizations/vallentuna/members", MEMBER),
    ],
    "orgs.register": [Visit("/organizations/new", MEMBER)],
    "orgs.index": [Visit("/organizations"), Visit("/organizations?kind=supplier", ADMIN)],
    "accounts.profile": [Visit("/account", MEMBER)],
    "accounts.change_password": [Visit("/account/password", MEMBER)],
    # The filled comparison and peers pages are audited in test_compare_journey.py (demo data).
    "compare.show": [Visit("/plans/compare"), Visit("/plans/compare?q=vallentuna")],
    "compare.peers": [Visit("/plans/compare/peers")],
}

# GET routes that are not pages for people (redirects, JSON, files).
NOT_PAGES = {"static", "core.set_language", "health.healthz"}


@dataclass(frozen=True)
class FormErrors:
    """Submit a form with mistakes (fill these fields by name) and audit the 422 page."""

    url: str
    fill: dict[str, str] = field(default_factory=dict)
    as_user: str | None = None


FORM_ERRORS: dict[str, FormErrors] = {
    "accounts.login": FormErrors("/auth/login", {"email": "nobody@example.com", "password": "x"}),
    "accounts.register": FormErrors(
        "/auth/register", {"name": "", "email": "not-an-email", "password": "short"}
    ),
    "accounts.profile": FormErrors("/account", {"name": ""}, MEMBER),
    "accounts.change_password": FormErrors(
        "/account/password", {"current_password": "wrong", "new_password": "x"}, MEMBER
    ),
    "orgs.register": FormErrors("/organizations/new", {"name": "", "website": "nope"}, MEMBER),
    "orgs.edit": FormErrors("/organizations/vallentuna/edit", {"website": "nope"}, ADMIN),
}


def discovered_pages() -> list[tuple[str, Visit]]:
    """Every GET page of the app, with the visits that show it."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    visits: list[tuple[str, Visit]] = []
    missing: list[str] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
            continue
        if rule.rule.startswith("/api/"):
            continue
        if rule.endpoint in PAGES:
            visits += [(rule.endpoint, visit) for visit in PAGES[rule.endpoint]]
        elif rule.arguments:
            missing.append(f"{rule.endpoint} ({rule.rule})")
        else:
            visits.append((rule.endpoint, Visit(rule.rule)))
    if missing:
        visits.append(("MISSING", Visit("; ".join(missing))))
    return visits


def people(make_user) -> None:
    make_user(ADMIN, "Astrid Admin", member_of="vallentuna", role="admin", site_admin=True)
    make_user(MEMBER, "Maja Medlem", member_of="vallentuna", role="member")
    # A pending request, so that the members page shows the decision forms.
    from portal.extensions import db
    from portal.orgs.models import Membership, MembershipStatus, Organisation, OrganisationKind

    newcomer = make_user("pending@a11y.example", "Per Pending")
    with db.session.begin():
        org = db.session.query(Organisation).filter_by(slug="vallentuna").one()
        db.session.add(
            Membership(
                user_id=newcomer,
                organisation_id=org.id,
                status=MembershipStatus.PENDING,
                message="Hej! Jag arbetar med bygglov.",
            )
        )
        db.session.add(
            Organisation(
                kind=OrganisationKind.SUPPLIER,
                name="Exempel GIS AB",
                slug="exempel-gis-ab",
                website="https://gis.example",
                description="## Om oss\n\nVi gör **kartor**.\n\n- ett\n- två",
                is_example=True,
            )
        )
    db.session.remove()


def log_in_by_name(page: Page, email: str) -> None:
    page.goto("/auth/login")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")


def audit(page: Page) -> list[str]:
    """Run axe-core (shipped inside axe-playwright-python: no network) on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING_IMPACTS:
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
            problems.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return problems


@pytest.fixture
def browse(app, new_page, make_user) -> Callable[[str, str | None], Page]:
    with app.app_context():
        people(make_user)

    def open_as(language: str, user: str | None) -> Page:
        page = new_page(locale=LOCALES[language])
        if user:
            log_in_by_name(page, user)
        return page

    return open_as


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize(
    ("endpoint", "visit"),
    discovered_pages(),
    ids=lambda v: v if isinstance(v, str) else f"{v.url}|{v.as_user or 'anonymous'}",
)
def test_page_has_no_serious_accessibility_violations(browse, language, endpoint, visit):
    assert endpoint != "MISSING", (
        f"No sample URL for these pages: {visit.url}. Add them to PAGES (or NOT_PAGES) "
        "in tests/browser/test_accessibility.py."
    )
    page = browse(language, visit.as_user)
    response = page.goto(visit.url)
    assert response is not None and response.status == 200, (visit, response and response.status)
    expected_path = visit.url.split("?")[0]
    assert page.url.split("?")[0].endswith(expected_path), (
        f"{visit.url} redirected to {page.url}: does it need a login in PAGES?"
    )
    assert page.locator("html").get_attribute("lang") == language
    problems = audit(page)
    assert not problems, f"{visit.url} ({language}): {problems}"
    assert not page.js_errors
    if page.locator("main form[method=post][novalidate]").count():
        assert endpoint in FORM_ERRORS, (
            f"{endpoint} has a validated form: add it to FORM_ERRORS so its errors are audited"
        )


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize("endpoint", sorted(FORM_ERRORS))
def test_form_with_errors_has_no_serious_accessibility_violations(browse, language, endpoint):
    case = FORM_ERRORS[endpoint]
    page = browse(language, case.as_user)
    page.goto(case.url)
    form = page.locator("main form[method=post][novalidate]").first
    for name, value in case.fill.items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.locator("button[type=submit]").click()
    assert posted.value.status == 422
    expect(page.locator(".error-summary")).to_be_visible()
    problems = audit(page)
    assert not problems, f"{case.url} with errors ({language}): {problems}"


def test_keyboard_skip_link_is_first_and_moves_focus_to_main(new_page):
    page = new_page()
    page.goto("/organizations")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab lands inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_login_can_be_completed_with_the_keyboard_only(new_page, make_user):
    make_user("keys@example.com", "Karin Tangent")
    page = new_page()
    page.goto("/auth/login")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "email"
    page.keyboard.type("keys@example.com")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    assert page.evaluate("location.pathname") == "/"
