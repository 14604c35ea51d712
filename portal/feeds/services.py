"""What the feeds carry: the latest public plans, experiences, needs and supplier answers.

Each feed reads the same four bounded queries (`recent_*` of the features, at most `LIMIT`
rows each, with the organisation loaded alongside), so a feed costs a handful of SQL
statements whatever the portal holds. Only what anyone may see is read: published plans (never
a draft or a working copy), published experiences, needs and supplier answers (public once
posted). Entries carry no text that their page does not show to an anonymous visitor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from portal.core.markdown import markdown_text
from portal.experiences.services import recent_experiences
from portal.needs.forms import SUPPORT_STATUS_LABELS
from portal.needs.models import SupplierAnswer
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


def _first(*candidates: datetime | None) -> datetime:
    return next(as_utc(c) for c in candidates if c is not None)


def _answer_text(answer: SupplierAnswer) -> tuple[str | None, ...]:
    support = SUPPORT_STATUS_LABELS.get(answer.support_status, answer.support_status)
    return (f"{answer.product}: {support}.", answer.body)


@dataclass(frozen=True)
class Source:
    """One kind of public content and how it reads as a feed entry: the feature's `recent_*`
    service, and the title, text, page and dates of one of its rows."""

    recent: Callable[..., Sequence[Any]]
    title: Callable[[Any], str]
    text: Callable[[Any], tuple[str | None, ...]]
    page: Callable[[Any], tuple[str, dict[str, object], str | None]]  # endpoint, args, anchor
    published: Callable[[Any], tuple[datetime | None, ...]]
    updated: Callable[[Any], tuple[datetime | None, ...]]


SOURCES: dict[str, Source] = {
    "plan": Source(
        recent_plans,
        lambda p: _("Action plan: %(title)s", title=p.title),
        lambda p: (p.summary,),
        lambda p: ("plans.show", {"plan_id": p.id}, None),
        lambda p: (p.published_at, p.created_at),
        lambda p: (p.published_at, p.updated_at),  # a new version is published again
    ),
    "experience": Source(
        recent_experiences,
        lambda e: _("Experience: %(title)s", title=e.title),
        lambda e: (e.body,),
        lambda e: ("experiences.show", {"experience_id": e.id}, None),
        lambda e: (e.published_at, e.created_at),
        lambda e: (e.updated_at,),
    ),
    "need": Source(
        recent_needs,
        lambda n: _("Adaptation need: %(title)s", title=n.title),
        lambda n: (n.description,),
        lambda n: ("needs.show", {"need_id": n.id}, None),
        lambda n: (n.created_at,),
        lambda n: (n.updated_at,),
    ),
    "answer": Source(
        recent_answers,
        lambda a: _(
            "%(supplier)s answers: %(title)s", supplier=a.organisation.name, title=a.need.title
        ),
        _answer_text,
        lambda a: ("needs.show", {"need_id": a.need_id}, f"answer-{a.id}"),
        lambda a: (a.created_at,),
        lambda a: (a.updated_at,),
    ),
}


def _entry(kind: str, source: Source, row: Any) -> FeedEntry:
    endpoint, params, anchor = source.page(row)
    return FeedEntry(
        key=f"{kind}-{row.id}",
        kind=kind,
        title=source.title(row),
        summary=_summary(*source.text(row)),
        endpoint=endpoint,
        params=params,
        anchor=anchor,
        organisation=row.organisation,
        published=_first(*source.published(row)),
        updated=_first(*source.updated(row)),
    )


def feed_entries(scope: Scope) -> list[FeedEntry]:
    """The newest public entries of the scope, newest change first, at most `LIMIT`."""
    entries = [
        _entry(kind, SOURCES[kind], row)
        for kind in sorted(scope.kinds)
        for row in SOURCES[kind].recent(
            LIMIT, organisation_id=scope.organisation_id, standard_id=scope.standard_id
        )
    ]
    entries.sort(key=lambda e: (e.updated, e.key), reverse=True)
    return entries[:LIMIT]
