"""The registry of searchable content: each source decides, in one place, what is visible.

A feature plugs its content into search with one ``register(SearchSource(...))`` call:

    register(SearchSource(
        doc_type="plan",
        label=_l("Action plan"),
        models=(Plan, PlanStep),
        affected_keys=lambda obj: [str(obj.plan_id if isinstance(obj, PlanStep) else obj.id)],
        load_documents=load_plans,      # (session, keys) -> {key: SearchDocument | None}
        public_keys=public_plan_keys,   # (session) -> iterable of keys (one query)
        url=lambda hit: url_for("plans.show", plan_id=hit["doc_key"]),
    ))

``load_documents`` returns None for a key that must not be in the index (draft, unpublished,
deleted, not visible to anonymous visitors): the indexer then removes it. It must load a
whole batch with a bounded number of queries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from portal.core.markdown import markdown_text


@dataclass(frozen=True)
class SearchDocument:
    """What the index holds for one public document."""

    doc_type: str
    key: str
    title: str
    body: str  # plain text or Markdown
    date: datetime | date | None = None
    org_name: str | None = None
    org_kind: str | None = None
    county: str | None = None
    standards: tuple[str, ...] = ()
    # Stored for building the result's link: a slug or id, and an optional external address.
    ref: str | None = None
    href: str | None = None
    # Other names the document is found by (not shown: they are matched as written, in
    # phrases and as parts of words, but never appear in a snippet).
    aliases: tuple[str, ...] = ()

    @property
    def doc_id(self) -> str:
        return doc_id(self.doc_type, self.key)

    def naive_date(self) -> datetime | None:
        value = self.date
        if value is None:
            return None
        if not isinstance(value, datetime):
            return datetime(value.year, value.month, value.day)
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.replace(microsecond=0)

    def digest(self) -> str:
        """A fingerprint of the indexed content, so `search verify` can spot stale entries."""
        payload = {
            "doc_type": self.doc_type,
            "key": self.key,
            "title": self.title,
            "body": self.body,
            "date": self.naive_date().isoformat() if self.date else None,
            "org_name": self.org_name,
            "org_kind": self.org_kind,
            "county": self.county,
            "standards": sorted(self.standards),
            "ref": self.ref,
            "href": self.href,
            "aliases": list(self.aliases),
        }
        raw = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(raw).hexdigest()

    def fields(self) -> dict[str, Any]:
        # The body is indexed and stored as the text a reader sees: snippets are cut from it,
        # so they never show Markdown syntax (`**`, `-`, `#`).
        body = markdown_text(self.body)
        text = "\n".join((self.title, body, *self.aliases))
        when = self.naive_date()
        fields: dict[str, Any] = {
            "id": self.doc_id,
            "doc_type": self.doc_type,
            "doc_key": self.key,
            "title": self.title,
            "body": body,
            "exact": text,
            "tails": text,
            "pairs": text,
            "org_name": self.org_name or "",
            "standard": ",".join(sorted(self.standards)),
            "ref": self.ref or "",
            "href": self.href or "",
            "digest": self.digest(),
        }
        for name, value in (("org_kind", self.org_kind), ("county", self.county)):
            if value:
                fields[name] = value
        if when is not None:
            fields["date"] = when
            fields["year"] = str(when.year)
        return fields


def doc_id(doc_type: str, key: str) -> str:
    return f"{doc_type}:{key}"


@dataclass(frozen=True)
class SearchSource:
    """One kind of searchable content and the rules for indexing it."""

    doc_type: str
    label: Any  # a lazy string, shown as the result type and the type facet
    models: tuple[type, ...]
    # The keys of the documents a changed (new, modified or deleted) instance affects.
    affected_keys: Callable[[Any], Iterable[str]]
    load_documents: Callable[[Session, Sequence[str]], Mapping[str, SearchDocument | None]]
    public_keys: Callable[[Session], Iterable[str]]
    url: Callable[[Mapping[str, Any]], str | None]
    # Related models shown on this source's documents, with the columns that matter: only
    # changes to those columns (and deletions) are logged; new related rows are not.
    watched_columns: Mapping[type, frozenset[str]] = field(default_factory=dict)


_SOURCES: dict[str, SearchSource] = {}


def register(source: SearchSource) -> SearchSource:
    """Add (or replace) a searchable content type."""
    _SOURCES[source.doc_type] = source
    return source


def unregister(doc_type: str) -> None:
    _SOURCES.pop(doc_type, None)


def sources() -> list[SearchSource]:
    return list(_SOURCES.values())


def get_source(doc_type: str) -> SearchSource | None:
    return _SOURCES.get(doc_type)


def sources_for(model: type) -> list[SearchSource]:
    return [s for s in _SOURCES.values() if any(issubclass(model, m) for m in s.models)]


def int_keys(keys: Sequence[str]) -> list[int]:
    """The numeric document keys (ids); anything else names no row."""
    return [int(k) for k in keys if k.isdigit()]


def load_by_id(
    session: Session,
    keys: Sequence[str],
    query: Callable[[list[int]], Select],
    document: Callable[[Any], SearchDocument | None],
) -> dict[str, SearchDocument | None]:
    """The documents for id keys with one query per batch; None where no public row is."""
    docs: dict[str, SearchDocument | None] = dict.fromkeys(keys)
    ids = int_keys(keys)
    if ids:
        for row in session.scalars(query(ids)).unique():
            docs[str(row.id)] = document(row)
    return docs
