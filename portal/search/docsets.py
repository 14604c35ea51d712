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
the live documents and of every facet value and the field lengths, which all queries share.

Whoosh segments never change once written (a deletion is a separate list of document
numbers), so what is decoded from a segment (a term's postings, its bitmap, the bitmap of a
prefix, field lengths, dates) is kept in one :class:`SegmentCache` per process, keyed by the
segment, with deleted documents included: every searcher masks them with its own live
bitmap. A new index generation after an update shares its old segments, so its first search
decodes only the new, small segment instead of the whole index. The cache is bounded in bytes
(``SEARCH_CACHE_MB``) and forgets the least recently used entries first.
"""

from __future__ import annotations

import io
import pickle
import struct
import sys
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length, length_to_byte

from portal.search.query import LongerWords

# Whoosh stores a field's length per document as one byte; this decodes all 256 of them.
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_WEIGHTS = np.zeros(0, dtype=np.float64)

Postings = tuple[np.ndarray, np.ndarray]  # (document numbers, term weights), ascending
T = TypeVar("T")
_INT = struct.Struct("!i")  # Whoosh's block length
DEFAULT_CACHE_BYTES = 128 * 2**20


def _nbytes(value: Any) -> int:
    """What a cached value costs in memory (arrays by their buffers, ints by their digits)."""
    if isinstance(value, np.ndarray):
        return value.nbytes + 112
    if isinstance(value, tuple):
        return sum(_nbytes(v) for v in value) + 56
    return sys.getsizeof(value)


class SegmentCache:
    """What was decoded from index segments, least recently used first out, bounded in bytes.

    Shared by every searcher (and thread) of a process; a value is computed outside the lock,
    so two threads may both compute the same one (same answer, stored once).
    """

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple | None, make: Callable[[], T]) -> T:
        """The value for `key`, made by `make()` on a miss (not kept when `key` is None)."""
        if key is None:
            return make()
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found[0]
            self.misses += 1
        value = make()
        size = _nbytes(value)
        with self._lock:
            if size <= self.max_bytes and key not in self._entries:
                self._entries[key] = (value, size)
                self.bytes += size
                self._evict()
        return value

    def peek(self, key: tuple | None) -> Any:
        """The value for `key` if it is kept (None otherwise), without making it."""
        if key is None:
            return None
        with self._lock:
            found = self._entries.get(key)
        return None if found is None else found[0]

    def resize(self, max_bytes: int) -> None:
        with self._lock:
            self.max_bytes = max_bytes
            self._evict()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _evict(self) -> None:
        while self.bytes > self.max_bytes and self._entries:
            _, (_, size) = self._entries.popitem(last=False)
            self.bytes -= size


segment_cache = SegmentCache()


def clear_segment_cache() -> None:
    """Forget everything decoded from segments (a rebuild, tests, the benchmark's cold runs)."""
    segment_cache.clear()


def _segment_key(reader, *parts: Any) -> tuple | None:
    """The cache key of something about one segment (None for a reader without a segment).

    The segment's id is a random name given when it is written; its index folder and size
    guard against two indexes (tests) drawing the same name.
    """
    segment = reader.segment() if reader.is_atomic() else None
    if segment is None:
        return None
    storage = reader.storage() if hasattr(reader, "storage") else None
    folder = getattr(getattr(storage, "b", storage), "folder", None)  # b: a compound segment's
    if folder is None:  # an index in memory: nothing to tell two of them apart by
        return None
    return (folder, segment.segment_id(), segment.doc_count_all(), *parts)


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
    length = matcher._length  # Whoosh reads it back as a 1-tuple (unpack without [0])
    length = length[0] if isinstance(length, tuple) else length
    return _decode_blocks(matcher._postfile.get(matcher._startoffset, length))


def _decode_blocks(data: bytes) -> Postings:
    """A posting list as Whoosh 3 writes it, all blocks at once.

    After a 4-byte tag, each block is its length (negative for the last one), a pickled
    header (count, last id, ...) and a pickled (ids, weights, values). Reading them here
    instead of through the matcher's block-by-block file calls halves a long list's cost. Ids
    are delta-coded from 0 in each block, so the first of a block is made relative to the
    previous block's last id and one cumulative sum decodes them all; weights are left out
    when all are 1 and stored once when all are equal.
    """
    stream = io.BytesIO(data)
    stream.seek(4)
    read, tell = stream.read, stream.tell
    deltas: list[int] = []
    weights: list[float] = []
    previous_max = 0
    while True:
        (length,) = _INT.unpack(read(4))
        start = tell()
        # Our own index file, unpickled as Whoosh itself reads it.
        count, last_id, _, compression, _, _ = pickle.load(stream)  # noqa: S301
        block = read(abs(length) - (tell() - start))
        block_deltas, block_weights, _ = pickle.loads(  # noqa: S301
            zlib.decompress(block) if compression else block
        )
        first = len(deltas)
        deltas.extend(block_deltas)
        deltas[first] -= previous_max
        previous_max = last_id
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * count)
        else:
            weights.extend(block_weights)
        if length < 0:
            break
    if not deltas:  # pragma: no cover - Whoosh writes no empty list
        return _NO_IDS, _NO_WEIGHTS
    return np.cumsum(np.array(deltas, dtype=np.int64)), np.array(weights, dtype=np.float64)


def _compact(postings: Postings) -> Postings:
    """Postings as kept in the cache: 32-bit document numbers (of one segment), and 32-bit
    weights when that loses nothing (Whoosh writes them as 32-bit floats)."""
    ids, weights = postings
    small = weights.astype(np.float32)
    return ids.astype(np.int32), small if np.array_equal(small, weights) else weights


def _postings_key(reader, fieldname: str, text: str | bytes) -> tuple | None:
    return _segment_key(reader, "postings", fieldname, text)


def cached_postings(reader, fieldname: str, text: str | bytes) -> Postings:
    """A term's postings in one segment, through the segment cache (compact arrays)."""
    return segment_cache.get(
        _postings_key(reader, fieldname, text),
        lambda: _compact(_segment_postings(reader, fieldname, text)),
    )


def _known_ids(reader, fieldname: str, text: str | bytes) -> np.ndarray:
    """A term's document numbers in one segment, from the cache if its postings are there
    (read, not kept, otherwise: a prefix or facet needs no weights)."""
    known = segment_cache.peek(_postings_key(reader, fieldname, text))
    return known[0] if known is not None else _segment_postings(reader, fieldname, text)[0]


def _segment_bits(reader, fieldname: str, text: str | bytes, *, keep_postings: bool) -> int:
    """The bitmap of a term's documents in one segment (deleted ones included); with
    `keep_postings` its postings are kept too (a word the ranking will read again)."""

    def make() -> int:
        mask = np.zeros(reader.doc_count_all(), dtype=bool)
        if keep_postings:
            mask[cached_postings(reader, fieldname, text)[0]] = True
        else:
            mask[_known_ids(reader, fieldname, text)] = True
        return DocSets.from_mask(mask)

    return segment_cache.get(_segment_key(reader, "bits", fieldname, text), make)


def _segment_prefix_bits(reader, fieldname: str, prefix: str, longer_only: bool) -> int:
    """The bitmap of the documents of one segment with a word that begins with `prefix`."""

    def make() -> int:
        mask = np.zeros(reader.doc_count_all(), dtype=bool)
        try:
            expanded = list(reader.expand_prefix(fieldname, prefix))
        except TermNotFound:
            expanded = []
        for word in expanded:
            text = word.decode("utf-8") if isinstance(word, bytes) else word
            if longer_only and text == prefix:
                continue
            mask[_known_ids(reader, fieldname, text)] = True
        return DocSets.from_mask(mask)

    return segment_cache.get(_segment_key(reader, "prefix", fieldname, prefix, longer_only), make)


def _numeric_column(column, count: int, dtype) -> np.ndarray:
    """All of a segment's values of a column, `count` of them.

    A numeric column is fixed-size big-endian values, one per document up to the last one
    given a value (the rest have the default): read in one go, where iterating the column
    reads one value per call (at 100 000 documents, most of a first search's time).
    """
    if isinstance(column, NumericColumn.Reader) and not column._reverse:
        stored = min(column._count, count)
        raw = column._dbfile.get(column._basepos, stored * column._fixedlen)
        values = np.frombuffer(raw, dtype=np.dtype(column._typecode).newbyteorder(">"))
        out = np.full(count, column._default, dtype=dtype)
        out[:stored] = values
        return out
    return np.fromiter(column, dtype, count)  # pragma: no cover - another column type


def _segment_length_bytes(reader, fieldname: str) -> np.ndarray:
    """One segment's field lengths as Whoosh stores them (one byte per document)."""

    def make() -> np.ndarray:
        count = reader.doc_count_all()
        perdoc = getattr(reader, "_perdoc", None)
        column = (
            perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if hasattr(perdoc, "_cached_reader")
            else None
        )
        if column is not None:
            return _numeric_column(column, count, np.uint8)
        # pragma: no cover - another codec: one call per document, lengths as bytes
        return np.array(
            [length_to_byte(reader.doc_field_length(d, fieldname, 1)) for d in range(count)],
            dtype=np.uint8,
        )

    return segment_cache.get(_segment_key(reader, "lengths", fieldname), make)


def _segment_dates(reader) -> np.ndarray:
    """One segment's ``date`` column as stored (unsigned; 0 for no date)."""

    def make() -> np.ndarray:
        column = reader.column_reader("date", translate=False)
        return _numeric_column(column, reader.doc_count_all(), np.uint64)

    return segment_cache.get(_segment_key(reader, "dates"), make)


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
                (ids.astype(np.int64) + offset, weights.astype(np.float64))
                for sub, offset in self.leaves
                for ids, weights in [cached_postings(sub.reader(), fieldname, text)]
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
        keep = fieldname not in self.facet_fields  # a facet value's weights rank nothing
        bits = 0
        for sub, offset in self.leaves:
            bits |= _segment_bits(sub.reader(), fieldname, text, keep_postings=keep) << offset
        return self.live & bits

    def prefix(self, fieldname: str, prefix: str, *, longer_only: bool = False) -> int:
        """Documents with any word that begins with `prefix` in the field (only the longer
        words with `longer_only`)."""
        bits = 0
        for sub, offset in self.leaves:
            bits |= _segment_prefix_bits(sub.reader(), fieldname, prefix, longer_only) << offset
        return self.live & bits

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
            cached = {value: self.term(fieldname, value) for value in sorted(values)}
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
            lengths = [
                _BYTE_LENGTHS[_segment_length_bytes(sub.reader(), fieldname)]
                for sub, _ in self.leaves
            ]
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
            # Newest first, undated (0) last, equal dates in document order (lexsort is
            # stable and leaves are in document order).
            parts = [_segment_dates(sub.reader()) for sub, _ in self.leaves]
            dates = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
            newest = np.iinfo(np.uint64).max - dates
            self._newest_first = np.lexsort((newest, dates == 0)).astype(np.int64)
        order = self._newest_first
        found = order[self.mask(bits)[order]]
        return found[skip : skip + count].tolist()
