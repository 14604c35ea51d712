"""Example experiences, needs, backings and supplier answers for `seed --demo`.

Everything here is written for the fictional organisations of the demo (Exempelkommunen,
Provkommunen, Demo Systemleverantör AB, Exempel GIS AB): no statement is put in the mouth
of a real municipality or company. The experiences retell the lessons learned that the DigSam
handbook (Smart Built Environment) reports. Running the loader again adds nothing twice.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.exchange import services
from portal.exchange.models import (
    AdaptationNeed,
    Experience,
    NeedBacking,
    NeedStatus,
    ProductArea,
    SupportStatus,
)
from portal.extensions import db
from portal.orgs.models import Organisation
from portal.seed import SeedReport
from portal.standards.models import Standard

DIGSAM = "Lärdomen tas också upp i DigSam-handboken från Smart Built Environment."

EXPERIENCES = [
    {
        "org": "exempelkommunen",
        "author": "exempel@demo.example",
        "title": "Undvik felaktiga förväntningar på den digitala detaljplanen",
        "tags": ["förväntningar", "detaljplan", "förankring"],
        "standards": ["pbf-2-kap-5a", "bfs-2020-5"],
        "body": (
            "När vi startade arbetet med digitala detaljplaner trodde många att ett nytt "
            "planverktyg skulle lösa allt. Det gjorde det inte: det mesta arbetet låg i att "
            "ändra arbetssätt och tolka äldre planer.\n\n"
            "**Det här gjorde vi annorlunda andra gången:**\n\n"
            "- Vi beskrev tidigt vad som blir bättre, och när, för planhandläggare och "
            "för politiker.\n"
            "- Vi skilde på vad lagen kräver (planer påbörjade efter 2021-12-31) och vad vi "
            "själva vill uppnå.\n"
            "- Vi redovisade delresultat varje kvartal.\n\n" + DIGSAM
        ),
    },
    {
        "org": "provkommunen",
        "author": "prov@demo.example",
        "title": "Kommunicera över förvaltningsgränserna",
        "tags": ["kommunikation", "samverkan", "organisation"],
        "standards": ["nationella-geodataplattformen"],
        "body": (
            "Bygglov, planering, GIS och arkiv satt i olika förvaltningar och visste lite om "
            "varandras system. Vi bildade en arbetsgrupp med en person från varje grupp och "
            "träffades varannan vecka.\n\n"
            "Det viktigaste resultatet var en gemensam bild av var informationen skapas och "
            "var den tar slut, inte ett nytt system.\n\n" + DIGSAM
        ),
    },
    {
        "org": "exempelkommunen",
        "author": "exempel@demo.example",
        "title": "Håll en kontinuerlig dialog med leverantörerna",
        "tags": ["dialog", "leverantörer", "detaljplan"],
        "standards": ["bfs-2020-5", "ss-637040-2016"],
        "body": (
            "Vi väntade först på att leverantören skulle komma med stöd för "
            "bestämmelsekoderna. Det gick bättre när vi i stället träffade leverantören "
            "regelbundet, beskrev våra behov konkret och lade upp dem som anpassningsbehov "
            "här i portalen, så att fler kommuner kunde ställa sig bakom.\n\n" + DIGSAM
        ),
    },
    {
        "org": "provkommunen",
        "author": "prov@demo.example",
        "title": "Hitta rätt balans mellan ambition och förmåga",
        "tags": ["prioritering", "resurser"],
        "standards": ["nationell-specifikation-byggnad"],
        "body": (
            "Vår första handlingsplan hade tjugo åtgärder på två år. Vi hann fyra. I den nya "
            "planen har vi färre steg, en budget per steg och en ansvarig för varje steg.\n\n"
            + DIGSAM
        ),
    },
    {
        "org": "exempelkommunen",
        "author": "exempel@demo.example",
        "title": "Förankra arbetet i befintliga strategier",
        "tags": ["förankring", "strategi"],
        "standards": [],
        "body": (
            "Handlingsplanen fick fäste först när vi kopplade varje åtgärd till kommunens "
            "digitaliseringsstrategi och översiktsplanen. Då blev det lättare att få beslut i "
            "kommunstyrelsen och att hitta pengar i den ordinarie budgeten.\n\n" + DIGSAM
        ),
    },
]

DRAFT = {
    "org": "provkommunen",
    "author": "prov@demo.example",
    "title": "Så anslöt vi till Nationella geodataplattformen (utkast)",
    "tags": ["ngp", "geodata"],
    "standards": ["nationella-geodataplattformen"],
    "body": "Utkast: erfarenheter från avtal och första leveransen av detaljplaner till NGP.",
}

COMMENTS = [
    (
        "Undvik felaktiga förväntningar på den digitala detaljplanen",
        "prov@demo.example",
        "Känner igen oss. Hur redovisade ni delresultaten för politikerna?",
    ),
    (
        "Kommunicera över förvaltningsgränserna",
        "exempel@demo.example",
        "Bra tips. Vi har provat samma sak och lagt till **arkivet** från början.",
    ),
]

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
                "status": SupportStatus.PLANNED,
                "available_from": date(2027, 3, 1),
                "body": "Exporten ingår i version 5 som släpps i mars 2027.",
                "earlier": {
                    "product": "Demo Plan",
                    "status": SupportStatus.UNDER_CONSIDERATION,
                    "available_from": None,
                    "body": "Vi utreder hur exporten kan byggas.",
                },
            },
            {
                "org": "exempel-gis-ab",
                "author": "gis@demo.example",
                "product": "Exempel Karta",
                "status": SupportStatus.SUPPORTED,
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
                "status": SupportStatus.SUPPORTED,
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
                "status": SupportStatus.UNDER_CONSIDERATION,
                "available_from": None,
                "body": "Vi utreder frågan tillsammans med två kundkommuner.",
            },
            {
                "org": "demo-systemleverantor-ab",
                "author": "leverantor@demo.example",
                "product": "Demo Ärende",
                "status": SupportStatus.NOT_PLANNED,
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
                "status": SupportStatus.SUPPORTED,
                "available_from": date(2026, 4, 1),
                "body": "Publiceringen finns i version 4.",
                "accepted": True,
            }
        ],
        "resolve": True,
    },
]


def _org(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _standard_ids(slugs: list[str]) -> list[int]:
    if not slugs:
        return []
    return list(db.session.scalars(select(Standard.id).where(Standard.slug.in_(slugs))))


def _seed_experience(spec: dict, publish: bool, report: SeedReport) -> Experience | None:
    org, author = _org(spec["org"]), _user(spec["author"])
    if org is None or author is None:
        return None
    existing = db.session.scalar(
        select(Experience).where(
            Experience.organisation_id == org.id, Experience.title == spec["title"]
        )
    )
    if existing is not None:
        return existing
    experience = services.create_experience(
        author,
        org,
        title=spec["title"],
        body=spec["body"],
        tags=spec["tags"],
        standard_ids=_standard_ids(spec["standards"]),
    )
    if publish:
        services.publish_experience(author, experience)
    report.count("demo experiences", True)
    return experience


def _seed_need(spec: dict, report: SeedReport) -> None:
    org, author = _org(spec["org"]), _user(spec["author"])
    if org is None or author is None:
        return
    if db.session.scalar(
        select(AdaptationNeed.id).where(
            AdaptationNeed.organisation_id == org.id, AdaptationNeed.title == spec["title"]
        )
    ):
        return
    standard_ids = _standard_ids([spec["standard"]])
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
        backer = _org(slug)
        if backer is not None:
            # Direct, not through the service: the demo users are admins, but the loader
            # should not depend on who may act for which organisation.
            db.session.add(NeedBacking(need=need, organisation=backer))
            report.count("demo backings", True)
    db.session.flush()
    for answer_spec in spec["answers"]:
        supplier, supplier_user = _org(answer_spec["org"]), _user(answer_spec["author"])
        if supplier is None or supplier_user is None:
            continue
        first = answer_spec.get("earlier") or {
            "product": answer_spec["product"],
            "status": answer_spec["status"],
            "available_from": answer_spec["available_from"],
            "body": answer_spec["body"],
        }
        answer = services.answer_need(
            supplier_user,
            need,
            supplier,
            product=first["product"],
            support_status=first["status"],
            available_from=first["available_from"],
            body=first["body"],
        )
        if answer_spec.get("earlier"):
            services.update_answer(
                supplier_user,
                answer,
                product=answer_spec["product"],
                support_status=answer_spec["status"],
                available_from=answer_spec["available_from"],
                body=answer_spec["body"],
            )
        if answer_spec.get("accepted"):
            services.set_answer_accepted(author, answer, True)
        report.count("demo supplier answers", True)
    if spec.get("resolve"):
        services.change_need_status(author, need, NeedStatus.RESOLVED)


def seed_exchange_demo(report: SeedReport) -> None:
    """Add example experiences, comments, needs, backings and answers (idempotent)."""
    for spec in EXPERIENCES:
        _seed_experience(spec, True, report)
    _seed_experience(DRAFT, False, report)
    for title, email, body in COMMENTS:
        experience = db.session.scalar(select(Experience).where(Experience.title == title))
        author = _user(email)
        if experience is None or author is None:
            continue
        if not any(c.body == body for c in experience.comments):
            services.add_comment(author, experience, body)
            report.count("demo comments", True)
    for spec in NEEDS:
        _seed_need(spec, report)
    db.session.flush()
