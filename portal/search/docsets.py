"""Which documents a query matches, as a bitmap, and the best of them by BM25, in bulk.

Whoosh counts, facets and ranks a result by visiting every matching document in Python, one
matcher call per document and per word: at 100 000 documents a common word cost seconds.
Here a term's posting list is read a block at a time into arrays (numpy), and then:

- the documents a query matches are a Python ``int`` used as a bitmap (bit *n* is document
  *n* of the searcher): and, or and not are single integer operations and a count is
  ``int.bit_count()``, all in C;
- a ranking is Whoosh's own BM25F formula (same idf, field lengths and boosts) computed over
  whole posting arrays, summed per document, and the top of it picked with a partial sort.

A :class:`DocSets` belongs to one searcher (one index generation). It keeps the bitmaps of
the live documents and of every facet value and the field lengths, which all queries share;
the postings and bitmaps of the words a person searched for are kept for one search only.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from portal.search.query import LongerWords

# Whoosh stores a field's length per document as one byte; this decodes all 256 of them.
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_WEIGHTS = np.zeros(0, dtype=np.float64)

Postings = tuple[np.ndarray, np.ndarray]  # (document numbers, term weights), ascending


def _segment_postings(reader, fieldname: str, text: str | bytes) -> Postings:
    """A term's postings in one segment (deleted documents included: the caller masks them
    with the live bitmap)."""
    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return _NO_IDS, _NO_WEIGHTS
    if isinstance(matcher, FilterMatcher):  # the deletions filter: the live bitmap does that
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        # A term with one posting (kept inline) or another codec: one step per document.
        one_ids, one_weights = [], []
        while matcher.is_active():
            one_ids.append(matcher.id())
            one_weights.append(matcher.weight())
            matcher.next()
        return np.array(one_ids, dtype=np.int64), np.array(one_weights, dtype=np.float64)
    # Whole blocks as stored instead of one generator step per document: ids are delta-coded
    # from 0 in each block, so the first of a block is made relative to the previous block's
    # last id (which the block header gives) and one cumulative sum decodes them all;
    # weights are left out when all are 1 and stored once when all are equal.
    deltas: list[int] = []
    weights: list[float] = []
    previous_max = 0
    while matcher.is_active():
        matcher._read_data()
        block_deltas, block_weights = matcher._data[0], matcher._data[1]
        start = len(deltas)
        deltas.extend(block_deltas)
        deltas[start] -= previous_max
        previous_max = matcher._maxid
        if block_weights is None:
            weights.extend([1.0] * len(block_deltas))
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * len(block_deltas))
        else:
            weights.extend(block_weights)
        matcher._next_block()
    if not deltas:
        return _NO_IDS, _NO_WEIGHTS
    return np.cumsum(np.array(deltas, dtype=np.int64)), np.array(weights, dtype=np.float64)


class DocSets:
    """Bitmaps of matching documents, and rankings, for one searcher."""

    def __init__(self, searcher, facet_fields: Iterable[str] = ()):
        self.searcher = searcher
        self.leaves = list(searcher.leaf_searchers())
        self.size = searcher.doc_count_all()
        self.live = self._live()
        self.facet_fields = frozenset(facet_fields)
        self._facet_bits: dict[str, dict[str, int]] = {}
        self._newest_first: np.ndarray | None = None
        self._norms: dict[str, np.ndarray] = {}
        self._memo: dict[str, int] = {}
        self._postings: dict[tuple[str, str | bytes], Postings] = {}

    def forget(self) -> None:
        """Drop the postings and bitmaps of the words searched for (kept for one search)."""
        self._memo.clear()
        self._postings.clear()

    def _live(self) -> int:
        bits = 0
        for sub, offset in self.leaves:
            reader = sub.reader()
            count = reader.doc_count_all()
            segment = (1 << count) - 1
            if reader.has_deletions():
                for docnum in reader.deleted_docs_set:
                    segment &= ~(1 << docnum)
            bits |= segment << offset
        return bits

    # --- bitmaps <-> arrays

    def bits(self, docnums: np.ndarray) -> int:
        """The bitmap of some document numbers (live or not)."""
        mask = np.zeros(self.size, dtype=bool)
        mask[docnums] = True
        return self.from_mask(mask)

    @staticmethod
    def from_mask(mask: np.ndarray) -> int:
        """One boolean per document as a bitmap."""
        return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")

    def mask(self, bits: int) -> np.ndarray:
        """A bitmap as one boolean per document."""
        raw = np.frombuffer(bits.to_bytes((self.size >> 3) + 1, "little"), dtype=np.uint8)
        return np.unpackbits(raw, bitorder="little")[: self.size].view(bool)

    # --- terms

    def postings(self, fieldname: str, text: str | bytes) -> Postings:
        """A term's postings over all segments (searcher document numbers), kept for one
        search: the query that ranks a result reads the same words as the one that matched."""
        key = (fieldname, text)
        found = self._postings.get(key)
        if found is None:
            parts = [
                (ids + offset, weights)
                for sub, offset in self.leaves
                for ids, weights in [_segment_postings(sub.reader(), fieldname, text)]
                if len(ids)
            ]
            if not parts:
                found = (_NO_IDS, _NO_WEIGHTS)
            elif len(parts) == 1:
                found = parts[0]
            else:
                found = (
                    np.concatenate([ids for ids, _ in parts]),
                    np.concatenate([w for _, w in parts]),
                )
            self._postings[key] = found
        return found

    def term(self, fieldname: str, text: str | bytes) -> int:
        return self.live & self.bits(self.postings(fieldname, text)[0])

    def _expand(self, fieldname: str, prefix: str) -> list[str]:
        terms: set[str] = set()
        for sub, _ in self.leaves:
            try:
                terms.update(
                    t.decode("utf-8") if isinstance(t, bytes) else t
                    for t in sub.reader().expand_prefix(fieldname, prefix)
                )
            except TermNotFound:
                continue
        return sorted(terms)

    def prefix(self, fieldname: str, prefix: str, *, longer_only: bool = False) -> int:
        """Documents with any word that begins with `prefix` in the field (only the longer
        words with `longer_only`)."""
        mask = np.zeros(self.size, dtype=bool)
        for text in self._expand(fieldname, prefix):
            if longer_only and text == prefix:
                continue
            known = self._postings.get((fieldname, text))  # the word itself, looked up already
            if known is not None:
                mask[known[0]] = True
                continue
            # Not kept in the per-search memo: a short prefix can expand to thousands of words.
            for sub, offset in self.leaves:
                mask[_segment_postings(sub.reader(), fieldname, text)[0] + offset] = True
        return self.live & self.from_mask(mask)

    def facet(self, fieldname: str) -> dict[str, int]:
        """Every value of a facet field with its documents (computed once per searcher)."""
        cached = self._facet_bits.get(fieldname)
        if cached is None:
            values: set[str] = set()
            for sub, _ in self.leaves:
                try:
                    values.update(
                        v.decode("utf-8") if isinstance(v, bytes) else v
                        for v in sub.reader().field_terms(fieldname)
                    )
                except TermNotFound:  # pragma: no cover - a field no document has
                    continue
            cached = {}
            for value in sorted(values):
                cached[value] = self.term(fieldname, value)
                self._postings.pop((fieldname, value), None)
            self._facet_bits[fieldname] = cached
        return cached

    # --- queries as bitmaps

    def query(self, query: wq.Query) -> int:
        """The live documents a query (as built by :mod:`portal.search.query`) matches.

        Results are remembered until :meth:`forget`: the whole-word query that ranks a result
        shares most of its parts with the query that matched it."""
        key = repr(query)
        bits = self._memo.get(key)
        if bits is None:
            bits = self._memo[key] = self._query(query)
        return bits

    def _query(self, query: wq.Query) -> int:
        if isinstance(query, wq.Term):
            if query.fieldname in self.facet_fields:
                return self.facet(query.fieldname).get(query.text, 0)
            return self.term(query.fieldname, query.text)
        if isinstance(query, wq.Prefix):
            return self.prefix(
                query.fieldname, query.text, longer_only=isinstance(query, LongerWords)
            )
        if isinstance(query, wq.And):
            bits = self.live
            for sub in query.subqueries:
                bits &= self.query(sub)
                if not bits:
                    break
            return bits
        if isinstance(query, wq.Or):
            bits = 0
            for sub in query.subqueries:
                bits |= self.query(sub)
            return bits
        if isinstance(query, wq.AndNot):
            positive = self.query(query.a)
            return positive & ~self.query(query.b) if positive else 0
        if isinstance(query, wq.Every):
            return self.live
        if isinstance(query, wq.NullQuery.__class__):
            return 0
        # Anything else: Whoosh finds the documents.
        found = np.fromiter(query.docs(self.searcher), dtype=np.int64)
        return self.live & self.bits(found)

    # --- ranking

    def _norm(self, fieldname: str, weighting: BM25F) -> np.ndarray:
        """``K1 * ((1 - B) + B * length / average length)`` of every document for a field:
        the part of BM25 that depends on the document (Whoosh's ``bm25()``)."""
        norm = self._norms.get(fieldname)
        if norm is None:
            lengths = []
            for sub, _ in self.leaves:
                reader = sub.reader()
                count = reader.doc_count_all()
                perdoc = getattr(reader, "_perdoc", None)
                column = (
                    perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
                    if hasattr(perdoc, "_cached_reader")
                    else None
                )
                if column is not None:
                    lengths.append(_BYTE_LENGTHS[np.fromiter(column, np.uint8, count)])
                else:  # pragma: no cover - another codec: one call per document
                    lengths.append(
                        np.array(
                            [reader.doc_field_length(d, fieldname, 1) for d in range(count)],
                            dtype=np.float64,
                        )
                    )
            avg = self.searcher.avg_field_length(fieldname) or 1
            b = weighting._field_B.get(fieldname, weighting.B)
            norm = weighting.K1 * ((1 - b) + b * np.concatenate(lengths) / avg)
            self._norms[fieldname] = norm
        return norm

    def _term_scores(self, fieldname: str, text: str | bytes, boost: float, scores: np.ndarray):
        ids, weights = self.postings(fieldname, text)
        if not len(ids):
            return
        weighting = self.searcher.weighting
        if not self.searcher.schema[fieldname].scorable:
            scores[ids] += boost * weights
            return
        k1 = weighting.K1
        idf = self.searcher.idf(fieldname, text)
        norm = self._norm(fieldname, weighting)[ids]
        scores[ids] += boost * idf * (weights * (k1 + 1)) / (weights + norm)

    def _scores(self, query: wq.Query, boost: float, scores: np.ndarray) -> None:
        """Add a query's score of every document it matches to `scores` (Whoosh's model:
        a Term scores BM25F times its boost; Or and And add up what matched)."""
        boost *= query.boost
        if isinstance(query, wq.Term):
            self._term_scores(query.fieldname, query.text, boost, scores)
        elif isinstance(query, wq.Or):
            for sub in query.subqueries:
                self._scores(sub, boost, scores)
        elif isinstance(query, wq.AndNot):
            self._scores(query.a, boost, scores)
        elif isinstance(query, wq.Prefix):  # constant score: the boost where it matches
            scores[self.mask(self.query(query))] += boost
        elif isinstance(query, wq.And):
            # The sum of its parts' scores, only where all of them match.
            part = np.zeros(self.size)
            for sub in query.subqueries:
                self._scores(sub, boost, part)
            matched = self.mask(self.query(query))
            scores[matched] += part[matched]
        # Anything else (Every, NullQuery, what the query builder may make one day) matches
        # without a score.

    def scores(self, query: wq.Query) -> np.ndarray:
        """Every document's score for a query, as Whoosh would score it (0 where it does not
        match; a prefix query scores its boost, where Whoosh adds it up per word found)."""
        if not isinstance(self.searcher.weighting, BM25F):  # pragma: no cover - not ours
            raise TypeError("ranking in bulk implements BM25F only")
        scores = np.zeros(self.size)
        self._scores(query.normalize(), 1.0, scores)
        return scores

    def ranked(self, query: wq.Query, candidates: int, skip: int, count: int) -> list[int]:
        """Up to `count` of the `candidates` (a bitmap) by their score for `query`, highest
        first and the lower document number first among equals, after skipping `skip`."""
        scores = self.scores(query)
        docs = np.flatnonzero(self.mask(candidates))
        want = skip + count
        if not len(docs) or skip >= len(docs):
            return []
        values = scores[docs]
        if want < len(docs):
            # Keep everything tied with the last wanted score, so equals stay in doc order.
            cut = np.partition(values, len(docs) - want)[len(docs) - want]
            keep = values >= cut
            docs, values = docs[keep], values[keep]
        order = np.lexsort((docs, -values))
        return docs[order[skip:want]].tolist()

    def newest_first(self, bits: int, skip: int, count: int) -> list[int]:
        """Up to `count` documents of a bitmap, newest (by the ``date`` field) first, after
        skipping `skip` of them; undated documents last."""
        if self._newest_first is None:
            order: list[tuple[float, int]] = []
            for sub, offset in self.leaves:
                column = sub.reader().column_reader("date", translate=False)
                for docnum, value in enumerate(column):
                    order.append((-value if value else float("inf"), docnum + offset))
            order.sort()
            self._newest_first = np.array([docnum for _, docnum in order], dtype=np.int64)
        order = self._newest_first
        found = order[self.mask(bits)[order]]
        return found[skip : skip + count].tolist()
