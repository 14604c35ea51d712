"""axe-core in a real Chromium on every page type, in Swedish and English; keyboard-only use.

The pages are discovered from the app's URL map: every GET route is audited. A route that
needs an object in its URL, or a login, must be named in PAGES; one that is not a page must
be named in NOT_PAGES. A new page type therefore fails here until it is added (one line).
Every page with a validated form (``<form method="post" novalidate>``) must also have an
entry in FORM_ERRORS, which submits it with mistakes and audits the page with the errors.

Every page type is also checked at a phone's width (390 x 844), in Swedish, in the same
browser context without loading the page again: nothing wider than the screen, the main
content within the top quarter of the screen, and axe again (the layout differs: a menu
button, folded filters, tables that scroll or become cards). Once per page type, on the last
sample of it in PAGES (the one with the most controls): the other samples differ in content,
not in layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from portal import create_app
from tests.conftest import PASSWORD, Snapshot, create_user

LOCALES = {"sv": "sv-SE", "en": "en-GB"}
BLOCKING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}  # browser contexts are 1280 x 720 unless set otherwise
PHONE_LANGUAGES = {"sv"}  # the layout does not depend on the language; once is enough

# Who looks at a page: None (anonymous) or one of the people made by `people()`.
ADMIN = "admin@a11y.example"  # admin of Vallentuna, site admin too (sees every control)
MEMBER = "member@a11y.example"  # plain member of Vallentuna
STANDARD = "bfs-2020-5"  # a standard of the reference data; plans, needs and experiences use it


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
    "tokens.index": [Visit("/account/tokens", MEMBER)],
    # A notification mail's link: no login, the signed token in the address is the authority.
    "mail_preferences.preference": [Visit("/mail/preferences/{mail_token}")],
    "api_docs.docs": [Visit("/api/v1/docs")],
    # "{plan}" etc. are the ids of the objects made by `content()`.
    "plans.index": [Visit("/plans"), Visit("/plans?q=bygglov&sort=title", ADMIN)],
    "plans.show": [
        Visit("/plans/{plan}"),
        Visit("/plans/{plan}", ADMIN),
        Visit("/plans/{draft}", MEMBER),  # a draft, seen by a member of its organisation
    ],
    "plans.new": [Visit("/plans/new", ADMIN)],
    # Every section of the plan editor (plans.edit itself only redirects to the first).
    "plans.edit_section": [
        Visit(f"/plans/{{draft}}/edit/{key}", ADMIN)
        for key in (
            "basics",
            "strategies",
            "analysis",
            "maturity",
            "motives",
            "organisation",
            "partners",
            "standards",
            "competence",
            "steps",
        )
    ],  # fmt: skip
    "plans.history": [Visit("/plans/{plan}/history")],
    "plans.revision": [Visit("/plans/{plan}/revisions/1")],
    "plans.diff": [Visit("/plans/{plan}/history/compare?a=1&b=2")],
    "experiences.index": [Visit("/experiences"), Visit("/experiences?tag=bygglov", MEMBER)],
    "experiences.show": [
        Visit("/experiences/{experience}"),
        Visit("/experiences/{experience}", ADMIN),
    ],
    "experiences.new": [Visit("/experiences/new", MEMBER)],
    "experiences.edit": [Visit("/experiences/{experience}/edit", MEMBER)],
    "needs.index": [Visit("/needs"), Visit("/needs?standard=" + STANDARD, ADMIN)],
    "needs.show": [
        Visit("/needs/{need}"),
        Visit("/needs/{need}", ADMIN),
        Visit("/needs/{open_need}", ADMIN),  # not answered yet: the answer form
    ],
    "needs.new": [Visit("/needs/new", ADMIN)],
    "needs.edit": [Visit("/needs/{need}/edit", ADMIN)],
    "needs.edit_answer": [Visit("/needs/{need}/answers/{answer}/edit", ADMIN)],
    "needs.for_suppliers": [Visit("/needs/for-suppliers", ADMIN)],
    "standards.index": [Visit("/standards"), Visit("/standards", ADMIN)],
    "standards.show": [Visit("/standards/" + STANDARD), Visit("/standards/" + STANDARD, ADMIN)],
    "standards.new": [Visit("/standards/new", ADMIN)],
    "standards.edit": [Visit(f"/standards/{STANDARD}/edit", ADMIN)],
    "me.start": [Visit("/start", ADMIN), Visit("/start", MEMBER)],
    "me.notifications": [Visit("/me/notifications", ADMIN), Visit("/me/notifications", MEMBER)],
    "follows.index": [Visit("/me/follows", MEMBER)],
    "search.index": [
        Visit("/search"),
        Visit("/search?q=bygglov"),  # results with facets
        Visit("/search?q=bygglov&kind=plan", MEMBER),
        Visit("/search?q=zzzxqqq"),  # no results
    ],
}

# GET routes that are not pages for people (redirects, JSON, files).
NOT_PAGES = {
    "static",
    "core.set_language",
    "plans.edit",  # a redirect to the editor's first section
    "health.healthz",
    *("dcat.catalog", "dcat.catalog_rdf", "dcat.catalog_ttl"),  # the open-data catalogue (RDF)
    *("feeds.site", "feeds.needs", "feeds.organisation", "feeds.standard"),  # Atom feeds (XML)
    "attachments.download",  # an attached file (PDF, document, image), not a page
}


@dataclass(frozen=True)
class FormErrors:
    """Submit a form with mistakes (fill these fields by name) and audit the 422 page."""

    url: str
    fill: dict[str, str] = field(default_factory=dict)
    as_user: str | None = None
    form: str = "main form[method=post][novalidate]"  # which form, when a page has several
    submit: str = "button[type=submit]"


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
    "plans.new": FormErrors(
        "/plans/new",
        {"title": "", "period_start_year": "2030", "period_end_year": "2020"},
        ADMIN,
        submit=".form-actions [name=save]",
    ),
    "plans.edit_section": FormErrors(
        "/plans/{draft}/edit/steps",
        {"steps-0-title": "", "steps-0-start_date": "2026-01-01", "steps-0-end_date": "2025-01-01"},
        ADMIN,
        submit=".form-actions [name=save]",
    ),
    "experiences.new": FormErrors("/experiences/new", {"title": "", "body": ""}, MEMBER),
    "experiences.edit": FormErrors("/experiences/{experience}/edit", {"body": ""}, MEMBER),
    "experiences.show": FormErrors(
        "/experiences/{experience}", {"body": ""}, MEMBER, "main form:has(textarea[name=body])"
    ),
    "needs.new": FormErrors("/needs/new", {"title": "", "description": ""}, ADMIN),
    "needs.edit": FormErrors("/needs/{need}/edit", {"title": ""}, ADMIN),
    "needs.show": FormErrors(
        "/needs/{open_need}", {"product": ""}, ADMIN, "main form:has([name=product])"
    ),
    "needs.edit_answer": FormErrors("/needs/{need}/answers/{answer}/edit", {"product": ""}, ADMIN),
    "standards.new": FormErrors("/standards/new", {"name": ""}, ADMIN),
    "standards.edit": FormErrors(f"/standards/{STANDARD}/edit", {"name": ""}, ADMIN),
    "tokens.index": FormErrors("/account/tokens", {"name": ""}, MEMBER),
}


def discovered_pages() -> list[tuple[str, Visit]]:
    """Every GET page of the app, with the visits that show it."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    visits: list[tuple[str, Visit]] = []
    missing: list[str] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
            continue
        if rule.rule.startswith("/api/") and not rule.endpoint.startswith("api_docs."):
            continue  # the API's JSON (its docs page is a page)
        if rule.endpoint in PAGES:
            visits += [(rule.endpoint, visit) for visit in PAGES[rule.endpoint]]
        elif rule.arguments:
            missing.append(f"{rule.endpoint} ({rule.rule})")
        else:
            visits.append((rule.endpoint, Visit(rule.rule)))
    if missing:
        visits.append(("MISSING", Visit("; ".join(missing))))
    return visits


PAGE_VISITS = discovered_pages()
# The sample of each page type that is also checked at a phone's width: its last one.
PHONE_SAMPLES: dict[str, Visit] = dict(PAGE_VISITS)


def people(app) -> None:
    create_user(app, ADMIN, "Astrid Admin", member_of="vallentuna", role="admin", site_admin=True)
    create_user(app, MEMBER, "Maja Medlem", member_of="vallentuna", role="member")
    # A pending request, so that the members page shows the decision forms.
    from portal.extensions import db
    from portal.orgs.models import Membership, MembershipStatus, Organisation, OrganisationKind

    newcomer = create_user(app, "pending@a11y.example", "Per Pending")
    with app.app_context():
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


def content(app) -> dict[str, str]:
    """Plans, an experience, a need with backing and answers, and a token, made by the
    services the pages use; returns the ids that the sample URLs name."""
    from datetime import date

    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.experiences import services as experience_services
    from portal.extensions import db
    from portal.needs import services as need_services
    from portal.needs.models import SupportStatus
    from portal.notifications.mail import preference_token
    from portal.orgs.models import Organisation, OrganisationKind
    from portal.orgs.services import register_organisation
    from portal.plans import services as plans
    from portal.standards.models import Standard
    from portal.tokens.services import create_token

    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        member = db.session.scalar(select(User).where(User.email == MEMBER))
        orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
        vallentuna, gotland = orgs["vallentuna"], orgs["gotland"]
        standard = db.session.scalar(select(Standard).where(Standard.slug == STANDARD))

        def plan_input(title: str, summary: str) -> plans.PlanInput:
            return plans.PlanInput(
                title=title,
                period_start_year=2025,
                period_end_year=2027,
                summary=summary,
                sections={"current_situation": "Vi har **pappersarkiv**.", "motives": "Tid."},
                strategies=[plans.StrategyInput("Digital agenda", "Kommunen", None, 2024)],
                decisions=[plans.DecisionInput("KS beslut om bygglov", date(2024, 5, 1))],
                standards=[plans.StandardInput(standard.id, note="Införs 2026")],
                steps=[
                    plans.StepInput(
                        "Digitalisera detaljplaner",
                        date(2025, 1, 1),
                        date(2025, 12, 31),
                        description="Skanna och tolka.",
                        cost_sek=250_000,
                        responsible="Planenheten",
                        standard_ids=[standard.id],
                    ),
                    plans.StepInput("Införa e-tjänst", date(2026, 1, 1), date(2026, 6, 30)),
                ],
            )

        plan = plans.create_plan(admin, vallentuna, plan_input("Digital bygglovsprocess", "Kort."))
        plans.publish_plan(admin, plan)
        plans.reopen_plan(admin, plan)
        plans.update_plan(admin, plan, plan_input("Digital bygglovsprocess 2", "Längre."))
        plans.publish_plan(admin, plan)
        draft = plans.create_plan(admin, vallentuna, plan_input("Utkast till plan", "Utkast."))

        experience = experience_services.create_experience(
            member,
            vallentuna,
            title="Förankra arbetet tidigt",
            body="Text om **lärdomar**.",
            tags=["förankring", "bygglov"],
            standard_ids=[standard.id],
        )
        experience_services.publish_experience(member, experience)
        experience_services.add_comment(admin, experience, "Bra *tips*, tack!")
        # A file on the experience and on the draft plan: their pages show the list of files.
        from portal.attachments import services as attachments
        from tests.attachments.files import pdf

        for kind, owner in ((attachments.EXPERIENCES, experience), (attachments.PLANS, draft)):
            upload = attachments.Upload("Beslut i nämnden.pdf", pdf("Beslut"), title="Beslut")
            attachments.add_attachment(admin, kind, owner, upload)

        need = need_services.post_need(
            admin,
            vallentuna,
            title="Export av detaljplaner",
            description="Vi behöver *export* enligt standarden.",
            standard_id=standard.id,
            desired_by=date(2027, 1, 1),
        )
        need_services.back_need(admin, need, gotland)
        supplier = register_organisation(
            admin, name="Demo Systemleverantör AB", kind=OrganisationKind.SUPPLIER
        )
        supplier.verified = True
        db.session.flush()
        answer = need_services.answer_need(
            admin,
            need,
            supplier,
            product="Planverktyget 5",
            support_status=SupportStatus.PLANNED,
            available_from=date(2026, 3, 1),
            body="Stöd kommer i **version 5**.",
        )
        open_need = need_services.post_need(
            admin, vallentuna, title="Stöd för 3D-planer", description="Vi behöver 3D."
        )
        create_token(member, name="Mitt skript", write=True, expires_days=30)
        db.session.commit()
        ids = {
            "plan": str(plan.id),
            "draft": str(draft.id),
            "experience": str(experience.id),
            "need": str(need.id),
            "answer": str(answer.id),
            "open_need": str(open_need.id),
            "mail_token": preference_token(member),
        }
        db.session.remove()
        return ids


def log_in_by_name(page: Page, email: str) -> None:
    page.goto("/auth/login")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/start")


def assert_fits_the_screen(page: Page, url: str) -> None:
    """Nothing wider than the viewport (wide tables scroll inside their own region), and the
    main content starts within the top quarter of the screen."""
    width, height, page_width, main_top = page.evaluate(
        """() => [innerWidth, innerHeight, document.documentElement.scrollWidth,
                  (document.querySelector('main') || document.getElementById('main'))
                    .getBoundingClientRect().top + scrollY]"""
    )
    assert page_width <= width, f"{url} is {page_width} px wide at {width} px"
    assert main_top <= height / 4, f"{url}: the main content starts at {main_top} px of {height}"


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


@dataclass
class Site:
    """The people and content of `people()` and `content()`, with a search index of them."""

    ids: dict[str, str]
    snapshot: Snapshot  # every row right after building it; each test starts from this
    # Logged-in browser state by (user, language): each person logs in once per module.
    logins: dict[tuple[str, str], dict] = field(default_factory=dict)


@pytest.fixture(scope="module")
def site(app, tmp_path_factory) -> Iterator[Site]:
    """Built once for the module (the pages only read it): people, content, a search index."""
    from portal.extensions import db
    from portal.search import indexing
    from portal.search.services import close_searchers

    before = {k: app.config[k] for k in ("SEARCH_INDEX_DIR", "SEARCH_INDEX_ON_COMMIT")}
    with app.app_context():
        app.extensions["test_snapshot"].restore()
        db.session.remove()
    people(app)
    ids = content(app)
    app.config.update(
        SEARCH_INDEX_DIR=str(tmp_path_factory.mktemp("a11y_search_index")),
        SEARCH_INDEX_ON_COMMIT=False,
    )
    with app.app_context():
        indexing.rebuild()
        # Each person logs in once for the module: their login sessions outlive the restores,
        # and so do the users (a login records the user's language; restoring the users would
        # take their sessions with them).
        snapshot = Snapshot.take(keep=frozenset({"login_sessions", "users"}))
        db.session.remove()
    yield Site(ids, snapshot)
    close_searchers()
    app.config.update(before)


@pytest.fixture(autouse=True)
def _clean_database(request, app) -> Iterator[None]:
    """This module's version of the suite's fixture: a test on the shared `site` starts from
    its rows, any other test from the reference data alone."""
    from portal.extensions import db

    if "site" in request.fixturenames:
        snapshot = request.getfixturevalue("site").snapshot
    else:
        snapshot = app.extensions["test_snapshot"]
    with app.app_context():
        snapshot.restore()
        db.session.remove()
    yield


@pytest.fixture
def ids(site) -> dict[str, str]:
    return site.ids


@pytest.fixture
def browse(site, new_page) -> Callable[[str, str | None], Page]:
    """A fresh browser context in the language, logged in as the user (once per module
    through the login form, then from the saved browser state)."""

    def open_as(language: str, user: str | None) -> Page:
        if user is None:
            return new_page(locale=LOCALES[language])
        state = site.logins.get((user, language))
        if state is not None:
            return new_page(locale=LOCALES[language], storage_state=state)
        page = new_page(locale=LOCALES[language])
        log_in_by_name(page, user)
        site.logins[(user, language)] = page.context.storage_state()
        return page

    return open_as


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize(
    ("endpoint", "visit"),
    PAGE_VISITS,
    ids=lambda v: v if isinstance(v, str) else f"{v.url}|{v.as_user or 'anonymous'}",
)
def test_page_has_no_serious_accessibility_violations(browse, ids, language, endpoint, visit):
    assert endpoint != "MISSING", (
        f"No sample URL for these pages: {visit.url}. Add them to PAGES (or NOT_PAGES) "
        "in tests/browser/test_accessibility.py."
    )
    url = visit.url.format(**ids)
    page = browse(language, visit.as_user)
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    expected_path = url.split("?")[0]
    assert page.url.split("?")[0].endswith(expected_path), (
        f"{url} redirected to {page.url}: does it need a login in PAGES?"
    )
    assert page.locator("html").get_attribute("lang") == language
    problems = audit(page)
    assert not problems, f"{url} ({language}): {problems}"
    assert_fits_the_screen(page, url)
    if language in PHONE_LANGUAGES and PHONE_SAMPLES.get(endpoint) == visit:
        page.set_viewport_size(PHONE)
        assert_fits_the_screen(page, url)
        problems = audit(page)
        assert not problems, f"{url} ({language}) at {PHONE['width']} px: {problems}"
    assert not page.js_errors
    if page.locator("main form[method=post][novalidate]").count():
        assert endpoint in FORM_ERRORS, (
            f"{endpoint} has a validated form: add it to FORM_ERRORS so its errors are audited"
        )


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize("endpoint", sorted(FORM_ERRORS))
def test_form_with_errors_has_no_serious_accessibility_violations(browse, ids, language, endpoint):
    case = FORM_ERRORS[endpoint]
    url = case.url.format(**ids)
    page = browse(language, case.as_user)
    page.goto(url)
    form = page.locator(case.form).first
    for name, value in case.fill.items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.locator(case.submit).click()
    assert posted.value.status == 422
    expect(page.locator(".error-summary")).to_be_visible()
    problems = audit(page)
    assert not problems, f"{url} with errors ({language}): {problems}"


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
    assert page.evaluate("location.pathname") == "/start"  # the personal start page


def test_api_docs_render_under_the_strict_style_policy(new_page):
    """Swagger UI 4 sets its styles through the DOM (allowed by style-src 'self'), so the
    docs page keeps the site's strict policy: no CSP violation, operations laid out."""
    page = new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    response = page.goto("/api/v1/docs")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "style-src 'self'" in policy
    page.locator(".opblock-summary-control").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert not refused
    assert not page.js_errors


def tab_to(page: Page, describe: str, matches: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies the JS test `matches` (on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {matches}; }})()"):
            return
    raise AssertionError(f"Tab never reached {describe}")


def test_backing_a_need_works_with_the_keyboard_only(app, new_page, make_user):
    """An editor of Gotland finds a need on the needs list and backs it: Tab, Enter, Space."""
    make_user("keys@gotland.example", "Göran Tangent", member_of="gotland", role="editor")
    author = make_user(member_of="vallentuna", role="editor")
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.extensions import db
    from portal.needs import services as need_services
    from portal.orgs.models import Organisation

    with app.app_context():
        vallentuna = db.session.scalar(
            select(Organisation).where(Organisation.slug == "vallentuna")
        )
        need = need_services.post_need(
            db.session.get(User, author),
            vallentuna,
            title="Tangentbordsbehovet",
            description="Export av planer.",
        )
        db.session.commit()
        need_id = need.id
        db.session.remove()

    page = new_page()
    log_in_by_name(page, "keys@gotland.example")
    page.goto("/needs")
    tab_to(
        page,
        "the need's link",
        "el.tagName === 'A' && el.textContent.includes('Tangentbordsbehovet')",
    )
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/needs/{need_id}")
    tab_to(page, "the backing button", "el.textContent.includes('Vi behöver också')")
    page.keyboard.press("Space")
    expect(page.locator("#backing-heading + p")).to_contain_text("1 organisation")
    expect(page.locator("#backing-heading ~ ul a[href='/organizations/gotland']")).to_be_visible()
    # Focus is visible: the focused control draws an outline or box shadow.
    tab_to(
        page,
        "the withdraw button",
        "el.tagName === 'BUTTON' && el.form && el.form.action.includes('/backings/')",
    )
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; })()"
    )
    assert outline
    assert not page.js_errors


def test_phone_menu_and_filters_open_without_javascript(browser, live_server):
    """At a phone's width the navigation and the filters sit behind buttons (<details>), which
    open by keyboard with JavaScript off; at a desktop's width they show without a button."""
    context = browser.new_context(
        base_url=live_server, locale="sv-SE", java_script_enabled=False, viewport=PHONE
    )
    try:
        page = context.new_page()
        page.goto("/needs")
        plans_link = page.get_by_role("navigation", name="Huvudmeny").get_by_role(
            "link", name="Handlingsplaner"
        )
        status_filter = page.get_by_label("Status")
        expect(plans_link).to_be_hidden()
        expect(status_filter).to_be_hidden()
        page.locator("summary", has_text="Meny").focus()
        page.keyboard.press("Enter")
        expect(plans_link).to_be_visible()
        page.keyboard.press("Enter")  # closed again: the open menu lies over the page
        expect(plans_link).to_be_hidden()
        page.locator("summary", has_text="Filtrera").click()
        expect(status_filter).to_be_visible()
        page.goto("/needs?status=open&sort=newest")  # the button tells how many filters are chosen
        expect(page.locator("summary", has_text="Filtrera (1 valt)")).to_be_visible()
        page.set_viewport_size({"width": 1280, "height": 720})
        page.goto("/needs")
        expect(page.locator("summary", has_text="Meny")).to_be_hidden()
        expect(page.locator("summary", has_text="Filtrera")).to_be_hidden()
        expect(plans_link).to_be_visible()
        expect(status_filter).to_be_visible()
    finally:
        context.close()
