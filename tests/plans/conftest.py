"""Factories for plan tests: plans built through the same services the pages use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.orgs.models import Organisation


@pytest.fixture
def users(make_user) -> dict[str, int]:
    """One user per actor of the role matrix (the plan's organisation is Vallentuna)."""
    return {
        "other_org_member": make_user(member_of="gotland", role="admin"),
        "member": make_user(member_of="vallentuna", role="member"),
        "editor": make_user(member_of="vallentuna", role="editor"),
        "org_admin": make_user(member_of="vallentuna", role="admin"),
        "site_admin": make_user(site_admin=True),
    }


@pytest.fixture
def make_plan(app, make_user) -> Callable[..., int]:
    """Create a plan for an organisation (draft, published or archived); return its id."""
    editors: dict[str, int] = {}

    def make(
        org_slug: str = "vallentuna",
        *,
        status: str = "published",
        title: str = "Handlingsplan",
        start: int = 2024,
        end: int = 2026,
        steps: list[tuple[str, str, str, int | None]] | None = None,
        standards: list[str] = (),
        maturity: dict[str, tuple[int, int]] | None = None,
        **extra,
    ) -> int:
        from portal.plans import services
        from portal.plans.models import MaturityDimension
        from portal.standards.models import Standard

        if org_slug not in editors:
            editors[org_slug] = make_user(member_of=org_slug, role="editor")
        with app.app_context():
            actor = db.session.get(User, editors[org_slug])
            org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug))
            std = {s.slug: s.id for s in db.session.scalars(select(Standard))}
            dims = {d.key: d.id for d in db.session.scalars(select(MaturityDimension))}
            data = services.PlanInput(
                title=title,
                period_start_year=start,
                period_end_year=end,
                steps=[
                    services.StepInput(
                        title=t,
                        start_date=date.fromisoformat(a),
                        end_date=date.fromisoformat(b),
                        cost_sek=cost,
                    )
                    for t, a, b, cost in (steps or [])
                ],
                standards=[services.StandardInput(std[slug]) for slug in standards],
                maturity=[
                    services.MaturityInput(dims[k], cur, tgt)
                    for k, (cur, tgt) in (maturity or {}).items()
                ],
                **extra,
            )
            plan = services.create_plan(actor, org, data)
            if status in ("published", "archived"):
                services.publish_plan(actor, plan)
            if status == "archived":
                services.archive_plan(actor, plan)
            db.session.commit()
            plan_id = plan.id
            db.session.remove()
            return plan_id

    return make


def org_id(slug: str) -> int:
    return db.session.scalar(select(Organisation.id).where(Organisation.slug == slug))


def plan_form(org: int | None = None, **overrides) -> dict:
    """A complete, valid POST body for /plans/new or /plans/<id>/edit."""
    data = {
        "title": "Vår handlingsplan",
        "summary": "Kort sammanfattning.",
        "period_start_year": "2025",
        "period_end_year": "2027",
        "current_situation": "Nuläget.",
        "steps-0-position": "1",
        "steps-0-title": "Första steget",
        "steps-0-start_date": "2025-01-01",
        "steps-0-end_date": "2025-12-31",
        "steps-0-cost_sek": "100 000",
        "steps-0-status": "planned",
        "steps-1-position": "2",
        "steps-1-title": "",
        "steps-1-status": "planned",
    }
    if org is not None:
        data["organisation_id"] = str(org)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def plans_snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every plan table, to prove a refused write changed nothing at all."""
    from portal.plans import models

    tables = [
        models.Plan,
        models.PlanStrategy,
        models.PlanDecision,
        models.PlanPartner,
        models.PlanMaturity,
        models.PlanStandard,
        models.PlanStep,
        models.PlanRevision,
    ]
    with app.app_context():
        snapshot = {}
        for model in tables:
            table = model.__table__
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns))
            snapshot[table.name] = [tuple(row) for row in rows]
        db.session.remove()
        return snapshot


def browser_form(html: str) -> list[tuple[str, str]]:
    """What a browser sends for the plan form on the page (its fields as they stand, without
    the rows kept for the script in <template>), pressing no named button."""
    import lxml.html

    doc = lxml.html.fromstring(html)
    for template in doc.xpath("//template"):
        template.drop_tree()
    form = doc.xpath("//form[contains(@class, 'plan-form')]")[0]
    pairs: list[tuple[str, str]] = []
    for el in form.xpath(".//input | .//select | .//textarea"):
        name, kind = el.get("name"), (el.get("type") or "text").lower()
        if not name or kind in ("submit", "button", "reset", "image"):
            continue
        if kind in ("radio", "checkbox"):
            if el.get("checked") is not None:
                pairs.append((name, el.get("value", "on")))
        elif el.tag == "select":
            options = el.xpath(".//option")
            chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            pairs.extend((name, o.get("value", o.text or "")) for o in chosen)
        elif el.tag == "textarea":
            pairs.append((name, (el.text or "").removeprefix("\n")))
        else:
            pairs.append((name, el.get("value", "")))
    return pairs


def full_plan(make_plan, app) -> int:
    """A draft with something in every section of the editor."""
    from portal.plans import services

    with app.app_context():
        gotland = org_id("gotland")
    return make_plan(
        status="draft",
        title="Hel plan",
        start=2025,
        end=2027,
        steps=[
            ("Första steget", "2025-01-01", "2025-12-31", 100_000),
            ("Andra steget", "2026-01-01", "2026-06-30", None),
        ],
        standards=["bfs-2020-5", "ss-637040-2016"],
        maturity={"digital_information": (2, 4), "digital_workflow": (1, 3)},
        summary="Sammanfattningen.",
        sections={
            "current_situation": "Nuläget.",
            "target_picture": "Målbilden.",
            "strengths": "Styrkor.",
            "weaknesses": "Svagheter.",
            "motives": "Motiven.",
            "expected_benefits": "Nyttan.",
            "communication": "Kommunikationen.",
            "change_organisation": "Organisationen.",
            "competence_supply": "Kompetensen.",
            "external_monitoring": "Bevakningen.",
        },
        expected_benefits_sek=1_000_000,
        administrative_groups=["bygglov", "it"],
        strategies=[services.StrategyInput("Digitaliseringsstrategi", "KS", None, 2023)],
        decisions=[services.DecisionInput("Kommunstyrelsen", None, "Antogs.")],
        partner_ids=[gotland],
    )
