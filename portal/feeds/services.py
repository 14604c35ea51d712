"""What the feeds carry: the latest public plans, experiences, needs and supplier answers.

Each feed reads the same four bounded queries (`recent_*` of the features, at most `LIMIT`
rows each, with the organisation loaded alongside), so a feed costs a handful of SQL
statements whatever the portal holds. Only what anyone may see is read: published plans (never
a draft or a working copy), published experiences, needs and supplier answers (public once
posted). Entries carry no text that their page does not show to an anonymous visitor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from portal.core.markdown import markdown_text
from portal.experiences.services import recent_experiences
from portal.needs.forms import SUPPORT_STATUS_LABELS
from portal.needs.services import recent_answers, recent_needs
from portal.orgs.models import Organisation
from portal.plans.services import recent_plans
from portal.tokens.models import as_utc

# Entries in one feed, and rows read of each kind of content for it.
LIMIT = 50
SUMMARY_LENGTH = 400


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: where its page is, what it is called, who published it and when."""

    key: str  # unique within the portal: "plan-12", "need-4", "answer-9"
    kind: str  # plan | experience | need | answer (the Atom category)
    title: str
    summary: str
    endpoint: str
    params: dict[str, object]
    organisation: Organisation
    published: datetime
    updated: datetime
    anchor: str | None = None


@dataclass(frozen=True)
class Scope:
    """Whose content a feed carries: everyone's, one organisation's or one standard's; and
    which kinds of content."""

    organisation_id: int | None = None
    standard_id: int | None = None
    kinds: frozenset[str] = field(
        default_factory=lambda: frozenset({"plan", "experience", "need", "answer"})
    )


def _summary(*parts: str | None) -> str:
    text = " ".join(markdown_text(part).replace("\n", " ") for part in parts if part)
    if len(text) > SUMMARY_LENGTH:
        text = text[: SUMMARY_LENGTH - 1].rstrip() + "…"
    return text


def _moment(*candidates: datetime | None) -> datetime:
    return next(as_utc(c) for c in candidates if c is not None)


def _plans(scope: Scope) -> Iterable[FeedEntry]:
    for plan in recent_plans(
        LIMIT, organisation_id=scope.organisation_id, standard_id=scope.standard_id
    ):
        yield FeedEntry(
            key=f"plan-{plan.id}",
            kind="plan",
            title=_("Action plan: %(title)s", title=plan.title),
            summary=_summary(plan.summary),
            endpoint="plans.show",
            params={"plan_id": plan.id},
            organisation=plan.organisation,
            published=_moment(plan.published_at, plan.created_at),
            updated=_moment(plan.published_at, plan.updated_at),
        )


def _experiences(scope: Scope) -> Iterable[FeedEntry]:
    for experience in recent_experiences(
        LIMIT, organisation_id=scope.organisation_id, standard_id=scope.standard_id
    ):
        yield FeedEntry(
            key=f"experience-{experience.id}",
            kind="experience",
            title=_("Experience: %(title)s", title=experience.title),
            summary=_summary(experience.body),
            endpoint="experiences.show",
            params={"experience_id": experience.id},
            organisation=experience.organisation,
            published=_moment(experience.published_at, experience.created_at),
            updated=_moment(experience.updated_at),
        )


def _needs(scope: Scope) -> Iterable[FeedEntry]:
    for need in recent_needs(
        LIMIT, organisation_id=scope.organisation_id, standard_id=scope.standard_id
    ):
        yield FeedEntry(
            key=f"need-{need.id}",
            kind="need",
            title=_("Adaptation need: %(title)s", title=need.title),
            summary=_summary(need.description),
            endpoint="needs.show",
            params={"need_id": need.id},
            organisation=need.organisation,
            published=_moment(need.created_at),
            updated=_moment(need.updated_at),
        )


def _answers(scope: Scope) -> Iterable[FeedEntry]:
    for answer in recent_answers(
        LIMIT, organisation_id=scope.organisation_id, standard_id=scope.standard_id
    ):
        support = str(SUPPORT_STATUS_LABELS.get(answer.support_status, answer.support_status))
        yield FeedEntry(
            key=f"answer-{answer.id}",
            kind="answer",
            title=_(
                "%(supplier)s answers: %(title)s",
                supplier=answer.organisation.name,
                title=answer.need.title,
            ),
            summary=_summary(f"{answer.product}: {support}.", answer.body),
            endpoint="needs.show",
            params={"need_id": answer.need_id},
            anchor=f"answer-{answer.id}",
            organisation=answer.organisation,
            published=_moment(answer.created_at),
            updated=_moment(answer.updated_at),
        )


READERS = {"plan": _plans, "experience": _experiences, "need": _needs, "answer": _answers}


def feed_entries(scope: Scope) -> list[FeedEntry]:
    """The newest public entries of the scope, newest change first, at most `LIMIT`."""
    entries = [entry for kind in sorted(scope.kinds) for entry in READERS[kind](scope)]
    entries.sort(key=lambda e: (e.updated, e.key), reverse=True)
    return entries[:LIMIT]
