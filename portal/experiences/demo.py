"""Example experiences, needs, backings and supplier answers for `seed --demo`.

Everything here is written for the fictional organisations of the demo (Exempelkommunen,
Provkommunen, Demo Systemleverantör AB, Exempel GIS AB): no statement is put in the mouth
of a real municipality or company. The experiences retell the lessons learned that the DigSam
handbook (Smart Built Environment) reports. Running the loader again adds nothing twice.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.experiences import services
from portal.experiences.models import (
    Experience,
)
from portal.extensions import db
from portal.seed import SeedReport, demo_organisation, demo_user, standard_ids_by_slug

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


def _seed_experience(spec: dict, publish: bool, report: SeedReport) -> Experience | None:
    org, author = demo_organisation(spec["org"]), demo_user(spec["author"])
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
        standard_ids=standard_ids_by_slug(spec["standards"]),
    )
    if publish:
        services.publish_experience(author, experience)
    report.count("demo experiences", True)
    return experience


def seed_experience_demo(report: SeedReport) -> None:
    """Add example experiences and comments (idempotent)."""
    for spec in EXPERIENCES:
        _seed_experience(spec, True, report)
    _seed_experience(DRAFT, False, report)
    for title, email, body in COMMENTS:
        experience = db.session.scalar(select(Experience).where(Experience.title == title))
        author = demo_user(email)
        if experience is None or author is None:
            continue
        if not any(c.body == body for c in experience.comments):
            services.add_comment(author, experience, body)
            report.count("demo comments", True)
    db.session.flush()
