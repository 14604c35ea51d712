"""Demo plans for `seed --demo`: Gotland and Vallentuna from public facts only, the rest fictional.

Rules (see the domain notes): real organisations get only the public facts, labelled as example
data; where only a total is public one step carries it and the others have no cost; nothing is
invented for a real organisation. The fictional municipalities get complete plans.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.orgs.models import Organisation
from portal.plans import services
from portal.plans.models import AdoptionStatus, MaturityDimension, Plan, StepStatus
from portal.plans.services import (
    DecisionInput,
    MaturityInput,
    PlanInput,
    StandardInput,
    StepInput,
    StrategyInput,
)
from portal.standards.models import Standard

GOTLAND_PUBLISHED_ON = date(2018, 1, 1)
VALLENTUNA_PUBLISHED_ON = date(2017, 10, 31)


def _dimension_ids() -> dict[str, int]:
    return {d.key: d.id for d in db.session.scalars(select(MaturityDimension))}


def _standard_ids() -> dict[str, int]:
    return {s.slug: s.id for s in db.session.scalars(select(Standard))}


def _maturity(levels: dict[str, tuple[int, int]]) -> list[MaturityInput]:
    ids = _dimension_ids()
    return [MaturityInput(ids[key], cur, tgt) for key, (cur, tgt) in levels.items() if key in ids]


def _step(title: str, start: str, end: str, cost: int | None = None, **kw) -> StepInput:
    return StepInput(
        title=title,
        start_date=date.fromisoformat(start),
        end_date=date.fromisoformat(end),
        cost_sek=cost,
        **kw,
    )


def gotland_disa() -> PlanInput:
    subprojects = [
        "Ommätning av fastighetsgränser",
        "Digitalisering och tolkning av alla detaljplaner",
        "Digital översiktsplan",
        "E-tjänster",
        "Digital brevlåda",
        "3D i ärendehanteringen",
        "Webbkartportal",
        "Anpassning till e-arkiv",
    ]
    steps = [
        _step(
            "DiSa – hela projektbudgeten",
            "2018-01-01",
            "2021-12-31",
            26_000_000,
            description=(
                "Projektets budget om 26 MSEK, finansierad av Europeiska regionala "
                "utvecklingsfonden via Tillväxtverket och matchad 1:1 med regionala medel. "
                "Medfinansiärer står för 6 % (1,4 MSEK), bland dem Gotlands "
                "Byggmästareförening. Budgeten är inte fördelad på delprojekten här, eftersom "
                "den fördelningen inte är offentlig i underlaget."
            ),
            responsible="Region Gotland",
            status=StepStatus.DONE,
        )
    ]
    steps += [
        _step(
            f"Delprojekt: {title}",
            "2018-01-01",
            "2021-12-31",
            None,
            description="Ett av DiSa:s åtta delprojekt. Kostnaden ingår i projektbudgeten ovan.",
            status=StepStatus.DONE,
        )
        for title in subprojects
    ]
    steps.append(
        _step(
            "Uppföljning: Digital dialog",
            "2021-05-01",
            "2021-12-31",
            None,
            description=(
                "Uppföljningsprojektet Digital dialog, 8 MSEK, startade i maj 2021. Det är ett "
                "eget projekt med egen budget och räknas därför inte in i DiSa:s budget här."
            ),
            status=StepStatus.ONGOING,
        )
    )
    return PlanInput(
        title="DiSa – Digital samhällsbyggnad",
        period_start_year=2018,
        period_end_year=2021,
        summary=(
            "Region Gotlands projekt DiSa – Digital samhällsbyggnad (2018–2021) med en budget "
            "om 26 MSEK och åtta delprojekt. Exempeldata byggd enbart på offentliga uppgifter."
        ),
        sections={
            "current_situation": (
                "En äldre plan på Gotland är uppbyggd i nivåerna huvudmål → ansvarig → "
                "insatsområde → delmål med ett klardatum."
            ),
            "target_picture": (
                "En digital samhällsbyggnadsprocess genom de åtta delprojekten: ommätning av "
                "fastighetsgränser, digitala och tolkade detaljplaner, en digital "
                "översiktsplan, e-tjänster, en digital brevlåda, 3D i ärendehanteringen, en "
                "webbkartportal och anpassning till e-arkiv."
            ),
            "expected_benefits": "Uppskattad nytta: 14,5 MSEK per år.",
            "motives": (
                "Projektet finansieras av Europeiska regionala utvecklingsfonden via "
                "Tillväxtverket, matchat 1:1 med regionala medel; medfinansiärer 6 % "
                "(1,4 MSEK), bland dem Gotlands Byggmästareförening."
            ),
        },
        expected_benefits_sek=14_500_000,
        strategies=[
            StrategyInput(
                title="Äldre plan: huvudmål, ansvarig, insatsområde och delmål med klardatum",
                owner="Region Gotland",
            )
        ],
        steps=steps,
    )


VALLENTUNA_STRATEGIES = [
    "Organisatoriska förutsättningar",
    "Digital datalagring enligt standard",
    "En flexibel systemarkitektur",
    "Digitala arbetssätt",
    "Data som flödar genom processen",
    "Digitala tjänster, dialogverktyg och öppna data",
]


def vallentuna() -> PlanInput:
    analysis = "\n".join(f"{n}. {title}" for n, title in enumerate(VALLENTUNA_STRATEGIES, 1))
    return PlanInput(
        title="Handlingsplan för digital samhällsbyggnadsprocess",
        period_start_year=2018,
        period_end_year=2020,
        summary=(
            "Vallentunas handlingsplan, framtagen maj–oktober 2017 utifrån ett trettiotal "
            "intervjuer, med målet en digital process 2020. Exempeldata byggd enbart på "
            "offentliga uppgifter; budgetsiffror är inte offentliga här och lämnas tomma."
        ),
        sections={
            "current_situation": (
                "Nulägesanalysen, gjord maj–oktober 2017 utifrån ett trettiotal intervjuer, "
                "täcker sex strategier:\n\n" + analysis
            ),
            "target_picture": "En digital samhällsbyggnadsprocess år 2020.",
            "motives": (
                "Rekommendationerna för 2018–2020 finansieras med investeringsmedel. "
                "Beloppen är inte offentliga i underlaget och anges därför inte."
            ),
        },
        strategies=[
            StrategyInput(title=title, owner="Vallentuna kommun", year=2017)
            for title in VALLENTUNA_STRATEGIES
        ],
        steps=[
            _step(
                "Genomföra rekommendationerna 2018–2020",
                "2018-01-01",
                "2020-12-31",
                None,
                description="Finansieras med investeringsmedel; beloppet är inte offentligt här.",
                status=StepStatus.DONE,
            )
        ],
    )


def exempel_current(standard_ids: dict[str, int], cost_change: int = 0) -> PlanInput:
    s = standard_ids
    return PlanInput(
        title="Digital samhällsbyggnadsprocess 2024–2027",
        period_start_year=2024,
        period_end_year=2027,
        summary="Exempelkommunens plan för att göra plan- och byggprocessen digital hela vägen.",
        sections={
            "current_situation": (
                "Detaljplaner finns som skannade PDF-filer. Bygglov söks till största delen "
                "via e-tjänst men handläggs delvis på papper."
            ),
            "target_picture": (
                "Alla nya detaljplaner tas fram enligt Boverkets föreskrifter och levereras "
                "till Nationella geodataplattformen. Bygglov handläggs helt digitalt."
            ),
            "strengths": "- Engagerad GIS-enhet\n- Politisk enighet om målen",
            "weaknesses": "- Gamla planer saknar struktur\n- Få personer kan systemen",
            "motives": "Kortare handläggningstider och bättre underlag för medborgarna.",
            "expected_benefits": "Färre kompletteringar och mindre dubbelarbete.",
            "communication": "Kvartalsvisa informationsträffar för alla förvaltningar.",
            "change_organisation": "En styrgrupp med förvaltningscheferna och en projektledare.",
            "competence_supply": "Utbildning i planbestämmelsekatalogen för alla planarkitekter.",
            "external_monitoring": "Vi följer Lantmäteriets och Boverkets vägledningar.",
        },
        expected_benefits_sek=1_200_000,
        administrative_groups=["bygglov", "planering", "gis_matning", "it", "arkiv", "ledning"],
        strategies=[
            StrategyInput(title="Digitaliseringsstrategi", owner="Exempelkommunen", year=2023)
        ],
        decisions=[
            DecisionInput(
                body="Kommunstyrelsen",
                decided_on=date(2024, 3, 12),
                description="Planen antogs.",
            )
        ],
        maturity=_maturity(
            {
                "digital_information": (2, 4),
                "digital_workflow": (3, 5),
                "digital_dialogue": (2, 4),
                "automated_processes": (1, 3),
                "standards_national_solutions": (2, 4),
                "organisation_competence": (3, 4),
            }
        ),
        standards=[
            StandardInput(s["bfs-2020-5"], AdoptionStatus.IN_PROGRESS, "Nya planer från 2024."),
            StandardInput(s["nationella-geodataplattformen"], AdoptionStatus.NOT_STARTED),
            StandardInput(s["planbestammelsekatalogen"], AdoptionStatus.ADOPTED),
        ],
        steps=[
            _step(
                "Digitalisera gällande detaljplaner",
                "2024-04-01",
                "2025-12-31",
                1_800_000 + cost_change,
                responsible="Planenheten",
                status=StepStatus.ONGOING,
                standard_ids=[s["bfs-2020-5"], s["planbestammelsekatalogen"]],
            ),
            _step(
                "Ansluta till Nationella geodataplattformen",
                "2025-01-01",
                "2026-06-30",
                650_000,
                responsible="GIS-enheten",
                standard_ids=[s["nationella-geodataplattformen"]],
            ),
            _step(
                "Helt digital bygglovshantering",
                "2025-09-01",
                "2027-12-31",
                2_400_000,
                responsible="Bygglovsenheten",
                standard_ids=[s["e-tjanster-bygglov-mittbygge"]],
            ),
            _step(
                "Utbildningsinsats för handläggare",
                "2024-09-01",
                "2024-12-31",
                150_000,
                responsible="HR",
                status=StepStatus.DONE,
            ),
        ],
    )


def exempel_archived() -> PlanInput:
    return PlanInput(
        title="Digitaliseringsplan för samhällsbyggnad 2020–2023",
        period_start_year=2020,
        period_end_year=2023,
        summary="Exempelkommunens tidigare plan, ersatt av planen för 2024–2027.",
        maturity=_maturity({"digital_information": (1, 3), "digital_workflow": (2, 3)}),
        steps=[
            _step("Skanna planarkivet", "2020-02-01", "2021-06-30", 900_000,
                  status=StepStatus.DONE),
            _step(
                "Införa e-tjänst för bygglov",
                "2021-01-01",
                "2022-12-31",
                400_000,
                status=StepStatus.DONE,
            ),
            _step("Webbkarta för medborgare", "2022-01-01", "2023-12-31", 300_000,
                  status=StepStatus.CANCELLED),
        ],
    )  # fmt: skip


def exempel_draft() -> PlanInput:
    return PlanInput(
        title="Handlingsplan 2028–2030 (utkast)",
        period_start_year=2028,
        period_end_year=2030,
        summary="Ett utkast som bara kommunens egna medlemmar ser.",
        steps=[_step("Automatiserad granskning av bygglov", "2028-01-01", "2029-12-31", 3_000_000)],
    )


def prov_plan(standard_ids: dict[str, int], partner_id: int | None) -> PlanInput:
    s = standard_ids
    return PlanInput(
        title="Handlingsplan för digital plan- och byggprocess 2025–2028",
        period_start_year=2025,
        period_end_year=2028,
        summary="Provkommunens plan med fokus på digital dialog och öppna data.",
        sections={
            "current_situation": "Kommunen har en webbkarta men få e-tjänster.",
            "target_picture": "Medborgare följer sina ärenden digitalt och data är öppna.",
            "strengths": "- God kartdata",
            "weaknesses": "- Liten organisation, sårbar vid frånvaro",
            "motives": "Bättre service och samverkan med grannkommuner.",
            "communication": "Nyhetsbrev och öppna workshoppar.",
            "change_organisation": "Samhällsbyggnadschefen leder arbetet.",
            "competence_supply": "Delad GIS-tjänst med grannkommunen.",
            "external_monitoring": "Vi deltar i regionala geodatanätverk.",
        },
        administrative_groups=["bygglov", "gis_matning", "kommunikation", "miljo"],
        partner_ids=[partner_id] if partner_id else [],
        maturity=_maturity(
            {
                "digital_information": (3, 4),
                "digital_workflow": (2, 4),
                "digital_dialogue": (1, 4),
                "automated_processes": (1, 2),
                "standards_national_solutions": (3, 5),
                "organisation_competence": (2, 3),
            }
        ),
        standards=[
            StandardInput(s["sveriges-dataportal"], AdoptionStatus.IN_PROGRESS),
            StandardInput(s["dcat-ap-se"], AdoptionStatus.NOT_STARTED, "Katalog saknas."),
            StandardInput(s["ss-637003-2015"], AdoptionStatus.ADOPTED),
        ],
        steps=[
            _step(
                "Publicera öppna geodata",
                "2025-03-01",
                "2025-12-31",
                300_000,
                responsible="GIS",
                standard_ids=[s["sveriges-dataportal"], s["dcat-ap-se"]],
            ),
            _step(
                "Digitala samråd för detaljplaner",
                "2026-01-01",
                "2027-06-30",
                750_000,
                responsible="Planenheten",
            ),
            _step("Min sida för bygglovsärenden", "2027-01-01", "2028-12-31", None),
        ],
    )


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _org(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def _exists(org: Organisation, title: str) -> bool:
    return (
        db.session.scalar(
            select(Plan.id).where(Plan.organisation_id == org.id, Plan.title == title)
        )
        is not None
    )


def _create(
    report, actor, org, data: PlanInput, *, example: bool, publish: bool, on: date | None = None
) -> Plan | None:
    """Add the plan as a draft, or published (`on` the date it was published, if not today)."""
    if actor is None or org is None or _exists(org, data.title):
        return None
    plan = services.create_plan(actor, org, data)
    plan.is_example = example
    db.session.flush()
    if publish:
        at = datetime.combine(on, time(12), UTC) if on else None
        services.publish_plan(actor, plan, at=at)
        if at:
            plan.created_at = plan.updated_at = at
            db.session.flush()
    report.count("demo plans", True)
    return plan


def seed_demo_plans(report) -> None:
    """Add the demo plans once; running again changes nothing."""
    standards = _standard_ids()
    gotland_user = _user("gotland@demo.example")
    # The real plans carry the year they were published (shared/domain.md), not the day the
    # seed ran: DiSa started in 2018, Vallentuna's plan was written May-October 2017. The day
    # itself is not public; the first day of DiSa and the end of Vallentuna's work stand in.
    _create(report, gotland_user, _org("gotland"), gotland_disa(), example=True, publish=True,
            on=GOTLAND_PUBLISHED_ON)  # fmt: skip
    _create(report, _user("vallentuna@demo.example"), _org("vallentuna"), vallentuna(),
            example=True, publish=True, on=VALLENTUNA_PUBLISHED_ON)  # fmt: skip

    exempel, exempel_user = _org("exempelkommunen"), _user("exempel@demo.example")
    old = _create(report, exempel_user, exempel, exempel_archived(), example=True, publish=True)
    if old is not None:
        services.archive_plan(exempel_user, old)
    current = _create(
        report, exempel_user, exempel, exempel_current(standards), example=True, publish=True
    )
    if current is not None:
        # A second version: the digitising step turned out dearer.
        draft = services.reopen_plan(exempel_user, current)
        data = exempel_current(standards, cost_change=350_000)
        ids = {step.title: step.id for step in draft.steps}
        for step in data.steps:
            # Keeping the step ids lets the revision diff show a change, not a swap.
            step.id = ids.get(step.title)
        services.update_plan(exempel_user, draft, data)
        services.publish_plan(exempel_user, draft)
        services.set_current_plan(exempel_user, current)
    _create(report, exempel_user, exempel, exempel_draft(), example=True, publish=False)

    prov = _org("provkommunen")
    _create(
        report,
        _user("prov@demo.example"),
        prov,
        prov_plan(standards, exempel.id if exempel else None),
        example=True,
        publish=True,
    )
    db.session.flush()
