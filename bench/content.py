"""Synthetic but realistic Swedish content, written with bulk inserts, and stand-in sources.

Documents are plans (with steps), experiences and adaptation needs (with supplier answers),
spread over every organisation from the seed; deterministic for a given seed. Rows are
written with Core bulk inserts: the same columns the services fill, all published.

On the branch this harness was written on, plans and the exchange do not register search
sources yet (only organisations and standards are indexed). `register_standin_sources()`
adds plan, experience and need sources built the way the registry documents it, so the
portal's own rebuild, change log, analysis and query code is what gets measured. It does
nothing for a doc type that the portal already registers.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import Session

from portal.experiences.models import Experience, ExperienceStatus
from portal.extensions import db
from portal.needs.models import (
    AdaptationNeed,
    NeedStatus,
    ProductArea,
    SupplierAnswer,
    SupportStatus,
)
from portal.orgs.models import Organisation
from portal.plans.models import Plan, PlanStatus, PlanStep, StepStatus
from portal.search.registry import SearchDocument, SearchSource, get_source, register

# Words of the domain with inflections and compounds (as people write them).
NOUNS = [
    ("detaljplan", "detaljplanen", "detaljplaner", "detaljplanerna"),
    ("bygglov", "bygglovet", "bygglovs", "bygglovsansökan"),
    ("översiktsplan", "översiktsplanen", "översiktsplaner", "översiktsplaneringen"),
    ("geodata", "geodatan", "geodataplattformen", "geodatasamverkan"),
    ("e-tjänst", "e-tjänsten", "e-tjänster", "e-tjänsterna"),
    ("grundkarta", "grundkartan", "grundkartor", "grundkartorna"),
    ("planbestämmelse", "planbestämmelsen", "planbestämmelser", "planbestämmelserna"),
    ("ärendehantering", "ärendehanteringen", "ärendehanteringssystem", "ärendehanteringssystemet"),
    ("nybyggnadskarta", "nybyggnadskartan", "nybyggnadskartor", "nybyggnadskartorna"),
    ("arkiv", "arkivet", "e-arkivet", "arkivering"),
    ("samhällsbyggnadsprocess", "samhällsbyggnadsprocessen", "samhällsbyggnad", "byggprocessen"),
    ("standard", "standarden", "standarder", "standarderna"),
    ("fastighet", "fastigheten", "fastigheter", "fastighetsbildning"),
    ("medborgare", "medborgaren", "medborgarna", "medborgardialog"),
    ("handläggare", "handläggaren", "handläggarna", "handläggningstid"),
    ("3D-modell", "3D-modellen", "3D-modeller", "BIM-modellen"),
    ("informationsmodell", "informationsmodellen", "informationsmodeller", "datamodellen"),
    ("planprocess", "planprocessen", "planprocesser", "planarbetet"),
]
ADJECTIVES = [
    "digital",
    "digitala",
    "maskinläsbar",
    "maskinläsbara",
    "gemensam",
    "gemensamma",
    "nationell",
    "nationella",
    "effektiv",
    "effektivare",
    "öppen",
    "öppna",
    "ny",
    "nya",
]
VERBS = [
    "införa",
    "inför",
    "införde",
    "digitalisera",
    "digitaliserar",
    "digitaliserade",
    "upphandla",
    "upphandlar",
    "samordna",
    "samordnar",
    "utveckla",
    "utvecklar",
    "publicera",
    "publicerar",
    "förbättra",
    "förbättrar",
    "mäta",
    "mäter",
]
FILLER = [
    "och",
    "för",
    "att",
    "med",
    "i",
    "på",
    "av",
    "till",
    "som",
    "under",
    "inom",
    "under året",
    "tillsammans med",
    "enligt",
    "så att",
    "vilket ger",
    "för att minska",
]
RARE_WORD = "fjärranalys"  # in about 0.2 % of the documents
SUPPLIER_PRODUCTS = ["Planverktyget", "Bygglovsportalen", "Kartmotorn", "Arkivnavet"]


def _sentence(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(7, 16)):
        r = rng.random()
        if r < 0.40:
            words.append(rng.choice(rng.choice(NOUNS)))
        elif r < 0.55:
            words.append(rng.choice(ADJECTIVES))
        elif r < 0.72:
            words.append(rng.choice(VERBS))
        else:
            words.append(rng.choice(FILLER))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: tuple[int, int]) -> str:
    text = " ".join(_sentence(rng) for _ in range(rng.randint(*sentences)))
    if rng.random() < 0.002:
        text += f" Vi prövar {RARE_WORD} för att hitta förändringar i grundkartan."
    return text


def _title(rng: random.Random) -> str:
    adj = rng.choice(ADJECTIVES)
    noun = rng.choice(rng.choice(NOUNS))
    return f"{rng.choice(VERBS).capitalize()} {adj} {noun}"[:190]


def generate(documents: int, seed: int = 2026) -> dict[str, int]:
    """Insert `documents` published documents (30 % plans, 40 % experiences, 30 % needs)."""
    rng = random.Random(seed)
    session = db.session
    orgs = session.execute(sa.select(Organisation.id, Organisation.kind)).all()
    org_ids = [o[0] for o in orgs]
    suppliers = [o[0] for o in orgs if str(o[1].value) == "supplier"] or org_ids[:3]
    now = datetime(2026, 11, 1, tzinfo=UTC)
    n_plans = documents * 3 // 10
    n_exp = documents * 4 // 10
    n_needs = documents - n_plans - n_exp
    counts = {"plans": n_plans, "experiences": n_exp, "needs": n_needs, "steps": 0, "answers": 0}
    chunk = 2000

    def stamp(i: int) -> datetime:
        return now - timedelta(days=(i * 7919) % 1500, minutes=i % 1440)

    start_plan = session.scalar(sa.select(sa.func.coalesce(sa.func.max(Plan.id), 0))) or 0
    for base in range(0, n_plans, chunk):
        plans, steps = [], []
        for i in range(base, min(n_plans, base + chunk)):
            when = stamp(i)
            year = 2020 + i % 7
            plans.append(
                {
                    "id": start_plan + i + 1,
                    "organisation_id": org_ids[i % len(org_ids)],
                    "title": f"Handlingsplan {year}–{year + 3}: {_title(rng)}",
                    "summary": _paragraph(rng, (2, 4)),
                    "period_start_year": year,
                    "period_end_year": year + 3,
                    "status": PlanStatus.PUBLISHED,
                    "is_current": False,
                    "current_situation": _paragraph(rng, (3, 6)),
                    "target_picture": _paragraph(rng, (3, 6)),
                    "strengths": _paragraph(rng, (1, 3)),
                    "weaknesses": _paragraph(rng, (1, 3)),
                    "motives": _paragraph(rng, (1, 3)),
                    "administrative_groups": ["bygglov", "planering"],
                    "published_at": when,
                    "created_at": when,
                    "updated_at": when,
                    "is_example": True,
                }
            )
            for p in range(rng.randint(3, 6)):
                start = date(year, 1 + p % 12, 1)
                steps.append(
                    {
                        "plan_id": start_plan + i + 1,
                        "position": p,
                        "title": _title(rng),
                        "description": _paragraph(rng, (1, 3)),
                        "start_date": start,
                        "end_date": start + timedelta(days=180),
                        "cost_sek": rng.choice([None, 50_000, 120_000, 400_000, 1_500_000]),
                        "responsible": rng.choice(["Bygglovsenheten", "GIS-enheten", "IT", None]),
                        "status": rng.choice(list(StepStatus)),
                    }
                )
        session.execute(sa.insert(Plan.__table__), plans)
        session.execute(sa.insert(PlanStep.__table__), steps)
        counts["steps"] += len(steps)
    for base in range(0, n_exp, chunk):
        rows = []
        for i in range(base, min(n_exp, base + chunk)):
            when = stamp(i + 17)
            rows.append(
                {
                    "organisation_id": org_ids[(i * 7) % len(org_ids)],
                    "title": _title(rng),
                    "body": "\n\n".join(_paragraph(rng, (2, 5)) for _ in range(rng.randint(2, 4))),
                    "status": ExperienceStatus.PUBLISHED,
                    "published_at": when,
                    "created_at": when,
                    "updated_at": when,
                }
            )
        session.execute(sa.insert(Experience.__table__), rows)
    start_need = session.scalar(sa.select(sa.func.coalesce(sa.func.max(AdaptationNeed.id), 0)))
    for base in range(0, n_needs, chunk):
        needs, answers = [], []
        for i in range(base, min(n_needs, base + chunk)):
            when = stamp(i + 31)
            need_id = start_need + i + 1
            needs.append(
                {
                    "id": need_id,
                    "organisation_id": org_ids[(i * 13) % len(org_ids)],
                    "title": _title(rng),
                    "description": _paragraph(rng, (3, 7)),
                    "product_area": rng.choice(list(ProductArea)),
                    "status": rng.choice([NeedStatus.OPEN, NeedStatus.ANSWERED]),
                    "created_at": when,
                    "updated_at": when,
                }
            )
            for s in rng.sample(suppliers, k=min(len(suppliers), rng.randint(0, 2))):
                answers.append(
                    {
                        "need_id": need_id,
                        "organisation_id": s,
                        "product": rng.choice(SUPPLIER_PRODUCTS),
                        "support_status": rng.choice(list(SupportStatus)),
                        "body": _paragraph(rng, (1, 3)),
                        "accepted": False,
                        "created_at": when,
                        "updated_at": when,
                    }
                )
        session.execute(sa.insert(AdaptationNeed.__table__), needs)
        if answers:
            session.execute(sa.insert(SupplierAnswer.__table__), answers)
        counts["answers"] += len(answers)
    session.commit()
    return counts


# --- stand-in search sources ----------------------------------------------------------------


def _ids(keys: Sequence[str]) -> list[int]:
    return [int(k) for k in keys if k.isdigit()]


def _org_info(session: Session, org_ids: Iterable[int]) -> dict[int, tuple[str, str, str | None]]:
    rows = session.execute(
        sa.select(
            Organisation.id, Organisation.name, Organisation.kind, Organisation.county_code
        ).where(Organisation.id.in_(set(org_ids)))
    )
    return {r[0]: (r[1], r[2].value, r[3]) for r in rows}


def _load_plans(session: Session, keys: Sequence[str]) -> Mapping[str, SearchDocument | None]:
    docs: dict[str, SearchDocument | None] = dict.fromkeys(keys)
    t = Plan.__table__
    rows = session.execute(
        sa.select(t).where(t.c.id.in_(_ids(keys)), t.c.status == PlanStatus.PUBLISHED)
    ).all()
    steps: dict[int, list[str]] = {}
    st = PlanStep.__table__
    for plan_id, title, desc in session.execute(
        sa.select(st.c.plan_id, st.c.title, st.c.description)
        .where(st.c.plan_id.in_([r.id for r in rows]))
        .order_by(st.c.plan_id, st.c.position)
    ):
        steps.setdefault(plan_id, []).extend(p for p in (title, desc) if p)
    orgs = _org_info(session, (r.organisation_id for r in rows))
    for r in rows:
        sections = [
            r.summary,
            r.current_situation,
            r.target_picture,
            r.strengths,
            r.weaknesses,
            r.motives,
            *steps.get(r.id, []),
        ]
        docs[str(r.id)] = _org_document(
            "plan", r, orgs, body="\n".join(s for s in sections if s), date=r.published_at
        )
    return docs


def _org_document(doc_type: str, row, orgs, *, body: str, date) -> SearchDocument:
    """A document for a row an organisation owns, with that organisation's facet fields."""
    name, kind, county = orgs.get(row.organisation_id, ("", None, None))
    return SearchDocument(
        doc_type=doc_type,
        key=str(row.id),
        title=row.title,
        body=body,
        date=date,
        org_name=name,
        org_kind=kind,
        county=county,
        ref=str(row.id),
    )


def _load_experiences(session: Session, keys: Sequence[str]):
    docs: dict[str, SearchDocument | None] = dict.fromkeys(keys)
    t = Experience.__table__
    rows = session.execute(
        sa.select(t).where(t.c.id.in_(_ids(keys)), t.c.status == ExperienceStatus.PUBLISHED)
    ).all()
    orgs = _org_info(session, (r.organisation_id for r in rows))
    for r in rows:
        docs[str(r.id)] = _org_document("experience", r, orgs, body=r.body, date=r.published_at)
    return docs


def _load_needs(session: Session, keys: Sequence[str]):
    docs: dict[str, SearchDocument | None] = dict.fromkeys(keys)
    t = AdaptationNeed.__table__
    rows = session.execute(sa.select(t).where(t.c.id.in_(_ids(keys)))).all()
    at = SupplierAnswer.__table__
    answers: dict[int, list[str]] = {}
    for need_id, product, body in session.execute(
        sa.select(at.c.need_id, at.c.product, at.c.body).where(
            at.c.need_id.in_([r.id for r in rows])
        )
    ):
        answers.setdefault(need_id, []).extend(p for p in (product, body) if p)
    orgs = _org_info(session, (r.organisation_id for r in rows))
    for r in rows:
        docs[str(r.id)] = _org_document(
            "need",
            r,
            orgs,
            body="\n".join([r.description, *answers.get(r.id, [])]),
            date=r.created_at,
        )
    return docs


def _keys(table: sa.Table, *where: Any):
    def public_keys(session: Session) -> Iterable[str]:
        return (str(i) for i in session.scalars(sa.select(table.c.id).where(*where)))

    return public_keys


def _url(endpoint: str, arg: str):
    def url(hit: Mapping[str, Any]) -> str | None:
        try:
            return url_for(endpoint, **{arg: int(hit["ref"])})
        except Exception:  # noqa: BLE001 - an endpoint missing on this branch: no link
            return None

    return url


STANDIN_TYPES = ("plan", "experience", "need")


def register_standin_sources() -> list[str]:
    """Register the stand-in sources the portal lacks; return the doc types registered."""
    added = []
    specs = [
        SearchSource(
            doc_type="plan",
            label="Handlingsplan",
            models=(Plan, PlanStep),
            load_documents=_load_plans,
            public_keys=_keys(Plan.__table__, Plan.__table__.c.status == PlanStatus.PUBLISHED),
            url=_url("plans.show", "plan_id"),
            affected_keys=lambda o: [str(o.plan_id if isinstance(o, PlanStep) else o.id)],
        ),
        SearchSource(
            doc_type="experience",
            label="Erfarenhet",
            models=(Experience,),
            load_documents=_load_experiences,
            public_keys=_keys(
                Experience.__table__, Experience.__table__.c.status == ExperienceStatus.PUBLISHED
            ),
            url=_url("experiences.show", "experience_id"),
            affected_keys=lambda o: [str(o.id)],
        ),
        SearchSource(
            doc_type="need",
            label="Anpassningsbehov",
            models=(AdaptationNeed, SupplierAnswer),
            load_documents=_load_needs,
            public_keys=_keys(AdaptationNeed.__table__),
            url=_url("needs.show", "need_id"),
            affected_keys=lambda o: [str(o.need_id if isinstance(o, SupplierAnswer) else o.id)],
        ),
    ]
    for source in specs:
        if get_source(source.doc_type) is not None:
            continue
        register(source)
        added.append(source.doc_type)
    return added


def fts_rows(session: Session) -> Iterable[tuple[str, str, str, str]]:
    """(doc_type, key, title, body) of every stand-in document, for the FTS5 comparison."""
    for _doc_type, loader, table in (
        ("plan", _load_plans, Plan.__table__),
        ("experience", _load_experiences, Experience.__table__),
        ("need", _load_needs, AdaptationNeed.__table__),
    ):
        ids = [str(i) for i in session.scalars(sa.select(table.c.id))]
        for start in range(0, len(ids), 500):
            for doc in loader(session, ids[start : start + 500]).values():
                if doc is not None:
                    yield doc.doc_type, doc.key, doc.title, doc.body
