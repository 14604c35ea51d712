"""Search the index: one entry point for the search page (and later the API)."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from whoosh import query as wq

from portal.core.pagination import Page, clamp
from portal.core.templating import kind_label
from portal.extensions import db
from portal.search import indexing, registry
from portal.search.analysis import WORD_RE, compound_parts, fold, index_form
from portal.search.docsets import DocSets, segment_cache
from portal.search.query import ParsedQuery, build, parse, title_query, word_query

log = logging.getLogger(__name__)

# name in the URL -> (index field, label, several values per document?)
FACETS: dict[str, tuple[str, Any, bool]] = {
    "type": ("doc_type", _l("Type"), False),
    "kind": ("org_kind", _l("Organisation kind"), False),
    "county": ("county", _l("County"), False),
    "standard": ("standard", _l("Standard"), True),
    "year": ("year", _l("Year"), False),
}
SORTS = ("relevance", "date")
SNIPPET_CHARS = 240
MAX_FACET_VALUES = 10
MAX_SELECTED = 10

_local = threading.local()


class _ThreadSearchers(dict):
    """One thread's searchers by index folder, closed when the thread ends (a threaded server
    runs each request in a thread of its own): their segment files are open files."""

    def __del__(self) -> None:
        for searcher in self.values():
            with contextlib.suppress(Exception):
                searcher.close()


def _searcher():
    """This thread's searcher for the configured index, replaced when the index changed.

    Whoosh's ``Searcher.refresh()`` re-uses segment readers, and a re-used reader keeps the
    deletions it was opened with: a document deleted by a commit that added nothing would
    stay findable. So a changed generation gets a fresh searcher instead.
    """
    directory = str(indexing.index_dir())
    cache = getattr(_local, "searchers", None)
    if cache is None:
        cache = _local.searchers = _ThreadSearchers()
    searcher = cache.get(directory)
    if searcher is not None:
        try:
            if searcher._ix.latest_generation() == searcher.reader().generation():
                return searcher
        except Exception:  # the index was replaced underneath: open it again
            log.exception("reopening the search index")
        searcher.close()
        cache.pop(directory, None)
    ix = indexing._open_index(Path(directory))
    if ix is None:
        return None
    searcher = ix.searcher()
    cache[directory] = searcher
    return searcher


def close_searchers() -> None:
    """Close this thread's searchers (tests, shutdown)."""
    for searcher in (getattr(_local, "searchers", None) or {}).values():
        searcher.close()
    _local.searchers = _ThreadSearchers()


@dataclass
class Segment:
    text: str
    hit: bool


@dataclass
class Hit:
    doc_type: str
    type_label: Any
    title: list[Segment]
    snippet: list[Segment]
    org_name: str
    date: datetime | None
    stored: Mapping[str, Any] = field(repr=False, default_factory=dict)

    @property
    def url(self) -> str | None:
        """The document's address (built in a request, where URLs can be built)."""
        source = registry.get_source(self.doc_type)
        return source.url(self.stored) if source else None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: str = ""


@dataclass
class Facet:
    name: str
    label: Any
    values: list[FacetValue]


@dataclass
class SearchResults:
    text: str
    page: Page
    facets: list[Facet] = field(default_factory=list)
    suggestion: str | None = None
    any_word: bool = False
    sort: str = "relevance"
    selected: dict[str, list[str]] = field(default_factory=dict)

    @property
    def hits(self) -> list[Hit]:
        return self.page.items


# --- highlighting -------------------------------------------------------------------------------


@dataclass
class Highlighter:
    """Marks words of a text that the query matched (in any view: exact, stem or part)."""

    exact: set[str]
    stems: set[str]
    parts: set[str]
    prefixes: tuple[str, ...] = ()
    _seen: dict[str, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def for_query(cls, parsed: ParsedQuery) -> Highlighter:
        words = [w for item in parsed.positive_items for w in item.words]
        parts = {f for w in words for f in (fold(w), index_form(w)) if len(f) >= 4}
        prefixes = tuple(fold(i.words[0]) for i in parsed.positive_items if i.prefix)
        return cls(set(words), {index_form(w) for w in words}, parts, prefixes)

    def matches(self, word: str) -> bool:
        """Whether a word of the text matched; the answer is remembered per word, since
        snippets of one result page repeat the same words."""
        seen = self._seen.get(word)
        if seen is None:
            lower = word.lower()
            seen = lower in self.exact or index_form(lower) in self.stems
            if not seen and self.parts:
                seen = bool(self.parts & compound_parts(lower))
            if not seen and self.prefixes:
                seen = fold(lower).startswith(self.prefixes)
            self._seen[word] = seen
        return seen

    def segments(self, text: str, limit: int | None = None) -> list[Segment]:
        """Split the text (or a window around the first match) into marked and plain runs."""
        start, end = 0, len(text)
        if limit is None or len(text) <= limit:
            spans = [
                (m.start(), m.end()) for m in WORD_RE.finditer(text) if self.matches(m.group())
            ]
        else:
            # A window: words are read up to its end only (a long text has thousands of them,
            # and this runs for every hit of a page), the same words as read from the start.
            found = WORD_RE.finditer(text)
            spans = []
            for m in found:
                if self.matches(m.group()):
                    spans.append((m.start(), m.end()))
                    break
            first = spans[0][0] if spans else 0
            start = max(0, first - limit // 3)
            if start:
                space = text.find(" ", start)
                start = space + 1 if 0 <= space < first else start
            end = min(len(text), start + limit)
            if end < len(text):
                space = text.rfind(" ", start, end)
                end = space if space > start else end
            for m in found:
                if m.start() >= end:
                    break
                if self.matches(m.group()):
                    spans.append((m.start(), m.end()))
        segments: list[Segment] = []
        if start > 0:
            segments.append(Segment("… ", False))
        pos = start
        for s, e in spans:
            if s < start or e > end:
                continue
            if s > pos:
                segments.append(Segment(text[pos:s], False))
            segments.append(Segment(text[s:e], True))
            pos = e
        if pos < end:
            segments.append(Segment(text[pos:end], False))
        if end < len(text):
            segments.append(Segment(" …", False))
        return segments


# --- searching ----------------------------------------------------------------------------------


def clean_selection(args: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The facet values a request selected (unknown names dropped, sizes bounded)."""
    selected: dict[str, list[str]] = {}
    for name in FACETS:
        values = [v[:120] for v in args.get(name, []) if v and len(v) <= 120]
        if values:
            selected[name] = list(dict.fromkeys(values))[:MAX_SELECTED]
    return selected


def _filter(selected: Mapping[str, list[str]]) -> wq.Query | None:
    clauses = []
    for name, values in selected.items():
        fieldname = FACETS[name][0]
        terms = [wq.Term(fieldname, v) for v in values]
        clauses.append(terms[0] if len(terms) == 1 else wq.Or(terms))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else wq.And(clauses)


def _has_hits(searcher, query: wq.Query) -> bool:
    return not searcher.search(query, limit=1).is_empty()


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (short words only)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _suggest(searcher, text: str, parsed: ParsedQuery) -> str | None:
    """A corrected query when a word finds nothing; only words of live, public documents."""
    corrector = searcher.corrector("exact")
    suggestion = text
    changed = False
    for item in parsed.positive_items:
        if item.phrase:
            continue
        word = item.words[0]
        if _has_hits(searcher, word_query(word)):
            continue
        candidates = corrector.suggest(word, limit=8, maxdist=2, prefix=1)
        for candidate in sorted(candidates, key=lambda c: _distance(word, c)):
            # The lexicon still holds words of deleted documents until segments merge: only
            # offer a word that finds something now.
            if candidate != word and _has_hits(searcher, word_query(candidate)):
                pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
                suggestion, n = pattern.subn(candidate, suggestion, count=1)
                changed = changed or n > 0
                break
    return " ".join(suggestion.split()) if changed else None


def _facet_labels(name: str, values: list[str]) -> dict[str, str]:
    if name == "type":
        labels = {}
        for v in values:
            source = registry.get_source(v)
            labels[v] = str(source.label) if source else v
        return labels
    if name == "kind":
        return {v: kind_label(v) for v in values}
    if name == "county":
        from portal.orgs.models import County

        rows = db.session.execute(select(County.code, County.name).where(County.code.in_(values)))
        return {code: label for code, label in rows}
    if name == "standard":
        from portal.standards.models import Standard

        rows = db.session.execute(
            select(Standard.slug, Standard.name).where(Standard.slug.in_(values))
        )
        return {slug: label for slug, label in rows}
    return {v: v for v in values}


def _docsets(searcher) -> DocSets:
    """The bitmaps of this searcher (one index generation), made on first use."""
    sets = getattr(searcher, "_portal_docsets", None)
    if sets is None:
        segment_cache.resize(int(current_app.config.get("SEARCH_CACHE_MB", 128)) * 2**20)
        sets = DocSets(searcher, facet_fields=[f for f, _, _ in FACETS.values()])
        searcher._portal_docsets = sets
    return sets


def _facets(sets: DocSets, matched: int, selected: Mapping[str, list[str]]) -> list[Facet]:
    facets = []
    for name, (fieldname, label, _multi) in FACETS.items():
        counts = {}
        for value, bits in sets.facet(fieldname).items():
            if value and (count := (matched & bits).bit_count()):
                counts[value] = count
        chosen = selected.get(name, [])
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_FACET_VALUES]
        values = [v for v, _ in top] + [v for v in chosen if v not in counts]
        labels = _facet_labels(name, values) if values else {}
        facet_values = [
            FacetValue(v, labels.get(v, v), counts.get(v, 0), v in chosen) for v in values
        ]
        if facet_values:
            facets.append(Facet(name, label, facet_values))
    return facets


def _ranked(
    searcher,
    sets: DocSets,
    parsed: ParsedQuery,
    *,
    any_word: bool,
    matched: int,
    sort: str,
    offset: int,
    count: int,
) -> list[Mapping[str, Any]]:
    """The stored fields of `count` matching documents from `offset`, in result order.

    By relevance, documents where every word matches as a whole word (in any inflection) come
    first, ranked by BM25F; then those where a word matched only as part of a compound, newest
    first. Organisations that matched only through their description (none of the words is in
    their name) come last, ranked among themselves: many of them (the 21 county boards) share
    the same boilerplate, which would otherwise crowd plans and experiences off the first
    page. Only ranked groups are scored (:meth:`DocSets.ranked`, over whole posting lists).
    """
    whole = None if sort == "date" else build(parsed, any_word=any_word, parts=False)
    groups: list[tuple[int, wq.Query | None]] = [(matched, None)]
    if whole is not None:
        whole_bits = sets.query(whole) & matched
        boilerplate = matched & _organisations_not_named(sets, parsed)
        groups = [
            (whole_bits & ~boilerplate, whole),
            (matched & ~whole_bits & ~boilerplate, None),
            (boilerplate, whole),
        ]
    docnums: list[int] = []
    for bits, ranking in groups:
        size = bits.bit_count()
        if offset >= size:
            offset -= size
            continue
        missing = count - len(docnums)
        if missing <= 0:
            break
        if ranking is None:
            docnums += sets.newest_first(bits, offset, missing)
        else:
            docnums += sets.ranked(ranking, bits, offset, missing)
        offset = 0
    return [searcher.stored_fields(d) for d in docnums]


def _organisations_not_named(sets: DocSets, parsed: ParsedQuery) -> int:
    """Organisations none of whose name's words the query holds."""
    organisations = sets.facet("doc_type").get("organisation", 0)
    named = title_query(parsed)
    return organisations & ~sets.query(named) if named is not None else organisations


def _hit(stored: Mapping[str, Any], highlighter: Highlighter) -> Hit:
    source = registry.get_source(stored.get("doc_type", ""))
    return Hit(
        doc_type=stored.get("doc_type", ""),
        type_label=source.label if source else stored.get("doc_type", ""),
        title=highlighter.segments(stored.get("title", "")),
        snippet=highlighter.segments(stored.get("body", ""), SNIPPET_CHARS),
        org_name=stored.get("org_name", ""),
        date=stored.get("date"),
        stored=stored,
    )


def search(
    text: str,
    *,
    selected: Mapping[str, list[str]] | None = None,
    page: int = 1,
    per_page: int | None = None,
    sort: str = "relevance",
) -> SearchResults:
    """Search public content; any text is a valid query (at worst, nothing is found)."""
    selected = dict(selected or {})
    sort = sort if sort in SORTS else "relevance"
    page, per_page = clamp(page, per_page, current_app.config.get("PER_PAGE", 20))
    parsed = parse(text)
    empty = SearchResults(text, Page([], page, per_page, 0), sort=sort, selected=selected)
    query = build(parsed)
    if query is None:
        if not selected:
            return empty
        query = wq.Every()
    searcher = _searcher()
    if searcher is None:
        return empty
    sets = _docsets(searcher)
    sets.forget()
    filter_q = _filter(selected)
    allowed = sets.query(filter_q) if filter_q is not None else sets.live
    matched = sets.query(query) & allowed
    suggestion = None
    any_word = False
    if not matched and not parsed.empty:
        suggestion = _suggest(searcher, text, parsed)
        if len(parsed.groups) > 1:
            matched = sets.query(build(parsed, any_word=True)) & allowed
            any_word = bool(matched)
    highlighter = Highlighter.for_query(parsed)
    offset = (page - 1) * per_page
    total = matched.bit_count()
    stored = (
        _ranked(
            searcher,
            sets,
            parsed,
            any_word=any_word,
            matched=matched,
            sort=sort,
            offset=offset,
            count=per_page,
        )
        if offset < total
        else []
    )
    sets.forget()
    return SearchResults(
        text=text,
        page=Page([_hit(fields, highlighter) for fields in stored], page, per_page, total),
        facets=_facets(sets, matched, selected),
        suggestion=suggestion,
        any_word=any_word,
        sort=sort,
        selected=selected,
    )
