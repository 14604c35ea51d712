"""XSS in a real Chromium for the plans, exchange, standards, tokens and search pages.

Every payload of tests/security_payloads.py is stored in every user-text field of these
features at once (through their services, many objects in one go), and every page that shows
them is opened once: no script may run, and plain-text fields must show the payload as text.
(The form-by-form suite, test_xss.py, covers the account and organisation fields.)
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.browser.test_xss import ADMIN, MEMBER, Watched, listed_text, log_in, normalise
from tests.security_payloads import XSS_PAYLOADS

MARK = "xssprov"  # a word in every title, so that one search finds them all


def plan_input(title: str, payload: str, standard_id: int, version: str):
    """A plan with the payload in every text: title, summary, section, strategy, decision, step."""
    from portal.plans import services as plans

    return plans.PlanInput(
        title=title + version,
        period_start_year=2025,
        period_end_year=2026,
        summary=payload + version,
        sections={"current_situation": payload + version},
        strategies=[plans.StrategyInput(payload + version)],
        decisions=[plans.DecisionInput(payload, description=payload + version)],
        steps=[
            plans.StepInput(
                payload + version,
                date(2025, 1, 1),
                date(2025, 6, 30),
                description=payload,
                responsible=payload[:150],
                standard_ids=[standard_id],
            )
        ],
    )


def make_content(app) -> dict[str, list]:
    from portal.accounts.models import User
    from portal.experiences import services as experience_services
    from portal.extensions import db
    from portal.needs import services as need_services
    from portal.needs.models import SupportStatus
    from portal.orgs.models import Organisation, OrganisationKind
    from portal.orgs.services import register_organisation
    from portal.plans import services as plans
    from portal.standards.models import StandardKind
    from portal.standards.services import create_standard
    from portal.tokens.services import create_token

    made: dict[str, list] = {"plans": [], "experiences": [], "needs": [], "standards": []}
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        member = db.session.scalar(select(User).where(User.email == MEMBER))
        orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
        vallentuna, gotland = orgs["vallentuna"], orgs["gotland"]
        supplier = register_organisation(
            admin, name="Demo Systemleverantör AB", kind=OrganisationKind.SUPPLIER
        )
        supplier.verified = True
        db.session.flush()
        for i, payload in enumerate(XSS_PAYLOADS):
            title = f"{payload} {MARK} {i}"
            standard = create_standard(
                admin,
                name=title,
                kind=StandardKind.SPECIFICATION,
                owner_name=payload[:150],
                description=payload,
            )

            plan = plans.create_plan(admin, vallentuna, plan_input(title, payload, standard.id, ""))
            plans.publish_plan(admin, plan)
            plans.reopen_plan(admin, plan)
            plans.update_plan(admin, plan, plan_input(title, payload, standard.id, " v2"))
            plans.publish_plan(admin, plan)
            # Addresses that skipped the forms' checks (as from an import) are not links.
            plan.strategies[0].url = "javascript:alert(1)//https://"
            standard.url = " jAvAsCrIpT:alert(1)"

            experience = experience_services.create_experience(
                member,
                vallentuna,
                title=title,
                body=payload,
                tags=experience_services.parse_tags(payload),
                standard_ids=[standard.id],
            )
            experience_services.publish_experience(member, experience)
            experience_services.add_comment(admin, experience, payload)

            need = need_services.post_need(
                admin, vallentuna, title=title, description=payload, standard_id=standard.id
            )
            need_services.back_need(admin, need, gotland)
            need_services.answer_need(
                admin,
                need,
                supplier,
                product=payload,
                support_status=SupportStatus.PLANNED,
                body=payload,
            )
            if i < 45:
                create_token(member, name=payload)
            made["plans"].append((plan.id, title))
            made["experiences"].append((experience.id, title))
            made["needs"].append((need.id, title))
            made["standards"].append((standard.slug, title))
        db.session.commit()
        db.session.remove()
    return made


def test_new_content_payloads_are_shown_as_text_and_never_run(
    app, new_page, make_user, search_index
):
    make_user(ADMIN, "Astrid Admin", member_of="vallentuna", role="admin", site_admin=True)
    make_user(MEMBER, "Maja Medlem", member_of="vallentuna", role="member")
    made = make_content(app)
    titles = [title for _, title in made["plans"]]
    watched = Watched(new_page())
    log_in(watched.page, ADMIN)

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
    member.page.goto("/account/tokens")
    member.check("/account/tokens", "(all payloads)")
    text = member.main_text()
    missing = [p for p in XSS_PAYLOADS[:45] if normalise(p) not in text]
    assert not missing, missing[:3]
    watched.page.wait_for_timeout(200)
    watched.check("at the end", "(all payloads)")
