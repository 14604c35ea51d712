"""Plans, experiences and adaptation needs as search sources.

Visibility is decided here, in the loaders, and nowhere else:
- plans: published and archived plans are public; drafts never are;
- experiences: published ones only; comments are NOT indexed (they are moderated
  conversation, and a removed comment must never linger in a snippet);
- adaptation needs: always public, together with the text of their supplier answers.

Each loader loads a whole batch with a fixed number of queries (selectinload per relation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.attachments.models import Attachment
from portal.experiences.models import Experience, ExperienceStatus
from portal.needs.models import AdaptationNeed, SupplierAnswer
from portal.orgs.models import Organisation
from portal.plans.models import (
    TEXT_SECTIONS,
    Plan,
    PlanDecision,
    PlanMaturity,
    PlanPartner,
    PlanStandard,
    PlanStatus,
    PlanStep,
    PlanStrategy,
    plan_detail_options,
)
from portal.search.registry import SearchDocument, SearchSource, load_by_id, register
from portal.standards.models import Standard

PUBLIC_PLAN_STATUSES = (PlanStatus.PUBLISHED, PlanStatus.ARCHIVED)
# An organisation's name, kind or county is shown on (and faceted for) its content.
ORG_COLUMNS = frozenset({"name", "kind", "county_code"})
STANDARD_COLUMNS = frozenset({"slug", "name"})


def _join(parts: Iterable[str | None]) -> str:
    return "\n".join(p for p in parts if p)


def _attachment_texts(attachments: Iterable[Attachment]) -> list[str | None]:
    """What an owner's files add to its document: their titles, names and extracted text."""
    parts: list[str | None] = []
    for attachment in attachments:
        parts += [attachment.title, attachment.filename, attachment.text]
    return parts


# The files of a plan or experience with their text (deferred elsewhere), in one query per batch.
def _with_attachment_text(relationship) -> Any:
    return selectinload(relationship).undefer(Attachment.text)


def _org_fields(org: Organisation) -> dict[str, Any]:
    return {"org_name": org.name, "org_kind": org.kind.value, "county": org.county_code}


def _keys_of(session_scalars: Iterable[int]) -> list[str]:
    return [str(i) for i in session_scalars]


def _org_content_keys(model: type, org_id: int | None) -> list[str]:
    if org_id is None:
        return []
    from portal.extensions import db

    return _keys_of(db.session.scalars(select(model.id).where(model.organisation_id == org_id)))


# --- plans --------------------------------------------------------------------------------------


def plan_document(plan: Plan) -> SearchDocument:
    standards = {ps.standard.slug for ps in plan.standards}
    parts: list[str | None] = [plan.summary]
    parts += [getattr(plan, name) for name in TEXT_SECTIONS]
    for strategy in plan.strategies:
        parts += [strategy.title, strategy.owner]
    for decision in plan.decisions:
        parts += [decision.body, decision.description]
    for partner in plan.partners:
        parts.append(partner.organisation.name)
    for maturity in plan.maturity:
        parts.append(maturity.dimension.name_sv)
    for ps in plan.standards:
        parts += [ps.standard.name, ps.note]
    for step in plan.steps:
        parts += [step.title, step.description, step.responsible]
        for std in step.standards:
            standards.add(std.slug)
            parts.append(std.name)
    parts += _attachment_texts(plan.attachments)
    return SearchDocument(
        doc_type="plan",
        key=str(plan.id),
        title=plan.title,
        body=_join(parts),
        date=plan.published_at or plan.updated_at or plan.created_at,
        standards=tuple(sorted(standards)),
        ref=str(plan.id),
        **_org_fields(plan.organisation),
    )


def load_plans(session: Session, keys: Sequence[str]) -> dict[str, SearchDocument | None]:
    return load_by_id(
        session,
        keys,
        lambda ids: (
            select(Plan)
            .where(Plan.id.in_(ids), Plan.status.in_(PUBLIC_PLAN_STATUSES))
            .options(*plan_detail_options())
            .options(_with_attachment_text(Plan.attachments))
        ),
        plan_document,
    )


def public_plan_keys(session: Session) -> Iterable[str]:
    return _keys_of(session.scalars(select(Plan.id).where(Plan.status.in_(PUBLIC_PLAN_STATUSES))))


def plan_affected_keys(obj: Any) -> Iterable[str]:
    if isinstance(obj, Plan):
        return [str(obj.id)] if obj.id is not None else []
    if isinstance(obj, Organisation):
        if obj.id is None:
            return []
        from portal.extensions import db

        own = select(Plan.id).where(Plan.organisation_id == obj.id)
        partner = select(PlanPartner.plan_id).where(PlanPartner.organisation_id == obj.id)
        return sorted({str(i) for i in db.session.scalars(own.union(partner))})
    if isinstance(obj, Standard):
        if obj.id is None:
            return []
        from portal.extensions import db
        from portal.plans.models import plan_step_standards

        direct = select(PlanStandard.plan_id).where(PlanStandard.standard_id == obj.id)
        via_steps = (
            select(PlanStep.plan_id)
            .join(plan_step_standards, plan_step_standards.c.step_id == PlanStep.id)
            .where(plan_step_standards.c.standard_id == obj.id)
        )
        return sorted({str(i) for i in db.session.scalars(direct.union(via_steps))})
    plan_id = getattr(obj, "plan_id", None)
    if plan_id is None and getattr(obj, "plan", None) is not None:
        plan_id = obj.plan.id
    return [str(plan_id)] if plan_id is not None else []


# --- experiences --------------------------------------------------------------------------------


def experience_document(experience: Experience) -> SearchDocument:
    return SearchDocument(
        doc_type="experience",
        key=str(experience.id),
        title=experience.title,
        body=_join(
            [experience.body]
            + [t.name for t in experience.tags]
            + [s.name for s in experience.standards]
            + _attachment_texts(experience.attachments)
        ),
        date=experience.published_at or experience.updated_at or experience.created_at,
        standards=tuple(sorted(s.slug for s in experience.standards)),
        ref=str(experience.id),
        **_org_fields(experience.organisation),
    )


def load_experiences(session: Session, keys: Sequence[str]) -> dict[str, SearchDocument | None]:
    return load_by_id(
        session,
        keys,
        lambda ids: (
            select(Experience)
            .where(Experience.id.in_(ids), Experience.status == ExperienceStatus.PUBLISHED)
            .options(
                selectinload(Experience.organisation),
                selectinload(Experience.tags),
                selectinload(Experience.standards),
                _with_attachment_text(Experience.attachments),
            )
        ),
        experience_document,
    )


def public_experience_keys(session: Session) -> Iterable[str]:
    return _keys_of(
        session.scalars(
            select(Experience.id).where(Experience.status == ExperienceStatus.PUBLISHED)
        )
    )


def experience_affected_keys(obj: Any) -> Iterable[str]:
    if isinstance(obj, Experience):
        return [str(obj.id)] if obj.id is not None else []
    if isinstance(obj, Organisation):
        return _org_content_keys(Experience, obj.id)
    if isinstance(obj, Attachment) and obj.experience_id is not None:
        return [str(obj.experience_id)]
    return []


# --- adaptation needs ---------------------------------------------------------------------------


def need_document(need: AdaptationNeed) -> SearchDocument:
    parts: list[str | None] = [need.description]
    if need.standard is not None:
        parts.append(need.standard.name)
    for answer in need.answers:
        parts += [answer.organisation.name, answer.product, answer.body]
    return SearchDocument(
        doc_type="need",
        key=str(need.id),
        title=need.title,
        body=_join(parts),
        date=need.updated_at or need.created_at,
        standards=(need.standard.slug,) if need.standard is not None else (),
        ref=str(need.id),
        **_org_fields(need.organisation),
    )


def load_needs(session: Session, keys: Sequence[str]) -> dict[str, SearchDocument | None]:
    return load_by_id(
        session,
        keys,
        lambda ids: (
            select(AdaptationNeed)
            .where(AdaptationNeed.id.in_(ids))
            .options(
                selectinload(AdaptationNeed.organisation),
                selectinload(AdaptationNeed.standard),
                selectinload(AdaptationNeed.answers).selectinload(SupplierAnswer.organisation),
            )
        ),
        need_document,
    )


def public_need_keys(session: Session) -> Iterable[str]:
    return _keys_of(session.scalars(select(AdaptationNeed.id)))


def need_affected_keys(obj: Any) -> Iterable[str]:
    if isinstance(obj, AdaptationNeed):
        return [str(obj.id)] if obj.id is not None else []
    if isinstance(obj, SupplierAnswer):
        need_id = obj.need_id if obj.need_id is not None else getattr(obj.need, "id", None)
        return [str(need_id)] if need_id is not None else []
    if isinstance(obj, Organisation):
        from portal.extensions import db

        if obj.id is None:
            return []
        own = select(AdaptationNeed.id).where(AdaptationNeed.organisation_id == obj.id)
        answered = select(SupplierAnswer.need_id).where(SupplierAnswer.organisation_id == obj.id)
        return sorted({str(i) for i in db.session.scalars(own.union(answered))})
    if isinstance(obj, Standard) and obj.id is not None:
        return _keys_of_standard_needs(obj.id)
    return []


def _keys_of_standard_needs(standard_id: int) -> list[str]:
    from portal.extensions import db

    return _keys_of(
        db.session.scalars(
            select(AdaptationNeed.id).where(AdaptationNeed.standard_id == standard_id)
        )
    )


def register_content_sources() -> None:
    register(
        SearchSource(
            doc_type="plan",
            label=_l("Action plan"),
            models=(
                Plan,
                PlanStep,
                PlanStrategy,
                PlanDecision,
                PlanPartner,
                PlanMaturity,
                PlanStandard,
                Attachment,
                Organisation,
                Standard,
            ),
            affected_keys=plan_affected_keys,
            load_documents=load_plans,
            public_keys=public_plan_keys,
            url=lambda hit: url_for("plans.show", plan_id=int(hit["doc_key"])),
            watched_columns={Organisation: ORG_COLUMNS, Standard: STANDARD_COLUMNS},
        )
    )
    register(
        SearchSource(
            doc_type="experience",
            label=_l("Experience"),
            models=(Experience, Attachment, Organisation),
            affected_keys=experience_affected_keys,
            load_documents=load_experiences,
            public_keys=public_experience_keys,
            url=lambda hit: url_for("experiences.show", experience_id=int(hit["doc_key"])),
            watched_columns={Organisation: ORG_COLUMNS},
        )
    )
    register(
        SearchSource(
            doc_type="need",
            label=_l("Adaptation need"),
            models=(AdaptationNeed, SupplierAnswer, Organisation, Standard),
            affected_keys=need_affected_keys,
            load_documents=load_needs,
            public_keys=public_need_keys,
            url=lambda hit: url_for("needs.show", need_id=int(hit["doc_key"])),
            watched_columns={Organisation: ORG_COLUMNS, Standard: STANDARD_COLUMNS},
        )
    )
