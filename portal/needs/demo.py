"""Example experiences, needs, backings and supplier answers for `seed --demo`.

Everything here is written for the fictional organisations of the demo (Exempelkommunen,
Provkommunen, Demo Systemleverantör AB, Exempel GIS AB): no statement is put in the mouth
of a real municipality or company. The experiences retell the lessons learned that the DigSam
handbook (Smart Built Environment) reports. Running the loader again adds nothing twice.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.needs import services
from portal.needs.models import (
    AdaptationNeed,
    NeedBacking,
    NeedStatus,
    ProductArea,
    SupportStatus,
)
from portal.seed import SeedReport, demo_organisation, demo_user, standard_ids_by_slug

NEEDS = [
    {
        "org": "exempelkommunen",
        "author": "exempel@demo.example",
        "title": "Leverera detaljplaner till NGP enligt den nationella specifikationen",
        "standard": "nationell-specifikation-detaljplan",
        "area": ProductArea.DETAILED_PLAN,
        "desired_by": date(2027, 6, 30),
        "description": (
            "Vi behöver kunna exportera nya och digitaliserade detaljplaner från "
            "planverktyget i det format som den nationella specifikationen för detaljplan "
            "anger, utan manuell efterbearbetning."
        ),
        "backers": ["provkommunen"],
        "answers": [
            {
                "org": "demo-systemleverantor-ab",
                "author": "leverantor@demo.example",
                "product": "Demo Plan",
                "support_status": SupportStatus.PLANNED,
                "available_from": date(2027, 3, 1),
                "body": "Exporten ingår i version 5 som släpps i mars 2027.",
                "earlier": {
                    "product": "Demo Plan",
                    "support_status": SupportStatus.UNDER_CONSIDERATION,
                    "available_from": None,
                    "body": "Vi utreder hur exporten kan byggas.",
                },
            },
            {
                "org": "exempel-gis-ab",
                "author": "gis@demo.example",
                "product": "Exempel Karta",
                "support_status": SupportStatus.SUPPORTED,
                "available_from": date(2026, 9, 1),
                "body": "Exporten finns sedan version 3.2.",
                "accepted": True,
            },
        ],
    },
    {
        "org": "provkommunen",
        "author": "prov@demo.example",
        "title": "Bestämmelsekoder från Planbestämmelsekatalogen i planverktyget",
        "standard": "planbestammelsekatalogen",
        "area": ProductArea.DETAILED_PLAN,
        "desired_by": date(2027, 1, 31),
        "description": (
            "Planhandläggaren ska kunna välja planbestämmelser ur katalogen, så att "
            "bestämmelsekod och UUID följer med i planen."
        ),
        "backers": ["exempelkommunen"],
        "answers": [
            {
                "org": "demo-systemleverantor-ab",
                "author": "leverantor@demo.example",
                "product": "Demo Plan",
                "support_status": SupportStatus.SUPPORTED,
                "available_from": date(2026, 5, 15),
                "body": "Katalogen hämtas automatiskt varje natt.",
            }
        ],
    },
    {
        "org": "exempelkommunen",
        "author": "exempel@demo.example",
        "title": "Byggnadsdata enligt Nationell specifikation Byggnad i bygglovsärendet",
        "standard": "nationell-specifikation-byggnad",
        "area": ProductArea.CASE_HANDLING,
        "desired_by": date(2027, 12, 31),
        "description": (
            "När ett bygglov beviljas vill vi att byggnadens uppgifter registreras enligt "
            "specifikationen direkt i ärendehanteringen, med ändamål ur Ändamålskatalogen."
        ),
        "backers": ["provkommunen"],
        "answers": [
            {
                "org": "exempel-gis-ab",
                "author": "gis@demo.example",
                "product": "Exempel Karta",
                "support_status": SupportStatus.UNDER_CONSIDERATION,
                "available_from": None,
                "body": "Vi utreder frågan tillsammans med två kundkommuner.",
            },
            {
                "org": "demo-systemleverantor-ab",
                "author": "leverantor@demo.example",
                "product": "Demo Ärende",
                "support_status": SupportStatus.NOT_PLANNED,
                "available_from": None,
                "body": "Inte planerat i år; vi hänvisar till en integration med GIS-systemet.",
            },
        ],
    },
    {
        "org": "provkommunen",
        "author": "prov@demo.example",
        "title": "Belägenhetsadresser enligt SS 637003 i e-tjänsten för bygglov",
        "standard": "ss-637003-2015",
        "area": ProductArea.E_SERVICES,
        "desired_by": None,
        "description": (
            "Sökande ska kunna välja fastighetens belägenhetsadress i e-tjänsten i stället "
            "för att skriva den fritt."
        ),
        "backers": ["exempelkommunen", "exempel-gis-ab"],
        "answers": [],
    },
    {
        "org": "exempelkommunen",
        "author": "exempel@demo.example",
        "title": "Planbeskrivningen som sökbart digitalt dokument",
        "standard": "bfs-2020-8",
        "area": ProductArea.DETAILED_PLAN,
        "desired_by": date(2026, 6, 30),
        "description": (
            "Planbeskrivningen ska publiceras så att den kan läsas och sökas digitalt, "
            "med de krav på digital funktionalitet som föreskrifterna ställer."
        ),
        "backers": ["provkommunen"],
        "answers": [
            {
                "org": "demo-systemleverantor-ab",
                "author": "leverantor@demo.example",
                "product": "Demo Plan",
                "support_status": SupportStatus.SUPPORTED,
                "available_from": date(2026, 4, 1),
                "body": "Publiceringen finns i version 4.",
                "accepted": True,
            }
        ],
        "resolve": True,
    },
]


def _seed_need(spec: dict, report: SeedReport) -> None:
    org, author = demo_organisation(spec["org"]), demo_user(spec["author"])
    if org is None or author is None:
        return
    if db.session.scalar(
        select(AdaptationNeed.id).where(
            AdaptationNeed.organisation_id == org.id, AdaptationNeed.title == spec["title"]
        )
    ):
        return
    standard_ids = standard_ids_by_slug([spec["standard"]])
    need = services.post_need(
        author,
        org,
        title=spec["title"],
        description=spec["description"],
        standard_id=standard_ids[0] if standard_ids else None,
        product_area=spec["area"],
        desired_by=spec["desired_by"],
    )
    report.count("demo needs", True)
    for slug in spec["backers"]:
        backer = demo_organisation(slug)
        if backer is not None:
            # Direct, not through the service: the demo users are admins, but the loader
            # should not depend on who may act for which organisation.
            db.session.add(NeedBacking(need=need, organisation=backer))
            report.count("demo backings", True)
    db.session.flush()
    for answer_spec in spec["answers"]:
        supplier, supplier_user = (
            demo_organisation(answer_spec["org"]),
            demo_user(answer_spec["author"]),
        )
        if supplier is None or supplier_user is None:
            continue
        # An answer with an earlier version is written as that version first, then edited.
        first = answer_spec.get("earlier") or answer_spec
        answer = services.answer_need(
            supplier_user, need, supplier, **services.answer_values(first)
        )
        if answer_spec.get("earlier"):
            services.update_answer(supplier_user, answer, **services.answer_values(answer_spec))
        if answer_spec.get("accepted"):
            services.set_answer_accepted(author, answer, True)
        report.count("demo supplier answers", True)
    if spec.get("resolve"):
        services.change_need_status(author, need, NeedStatus.RESOLVED)


def seed_need_demo(report: SeedReport) -> None:
    """Add example needs, backings and supplier answers (idempotent)."""
    for spec in NEEDS:
        _seed_need(spec, report)
    db.session.flush()
