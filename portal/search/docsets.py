"""Which documents a query matches, as a bitmap: counts and facets without scoring.

Whoosh counts a result and its facets by visiting every matching document in Python, scoring
it and looking up five facet columns: that made a common word cost seconds at 10 000
documents. Here a query's matching documents are a Python ``int`` used as a bitmap (bit *n* is
document *n* of the searcher), read block by block from the posting lists. And, or and not
are then single integer operations, and a count is ``int.bit_count()``, both in C.

A :class:`DocSets` belongs to one searcher (one index generation). It keeps the bitmaps of
the live documents and of every facet value, which all queries share; the bitmaps of the
words a person searched for are computed afresh for each query.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound


def _block_ids(reader, fieldname: str, text: str | bytes) -> Iterator[Sequence[int]]:
    """The document numbers of a term in one segment, a posting block at a time (deleted
    documents included: the caller masks them with the live bitmap)."""
    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return
    if isinstance(matcher, FilterMatcher):  # the deletions filter: the live bitmap does that
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher):
        # Whole decoded blocks instead of one generator step per document.
        while matcher.is_active():
            matcher._read_ids()
            yield matcher._ids
            matcher._next_block()
    else:  # pragma: no cover - another codec: the generic, slower path
        yield list(matcher.all_ids())


def _to_bits(ids_by_offset: Iterable[tuple[int, Iterable[Sequence[int]]]], size: int) -> int:
    buffer = bytearray((size >> 3) + 1)
    for offset, blocks in ids_by_offset:
        for block in blocks:
            for docnum in block:
                n = docnum + offset
                buffer[n >> 3] |= 1 << (n & 7)
    return int.from_bytes(buffer, "little")


class DocSets:
    """Bitmaps of matching documents for one searcher."""

    def __init__(self, searcher, facet_fields: Iterable[str] = ()):
        self.searcher = searcher
        self.leaves = list(searcher.leaf_searchers())
        self.size = searcher.doc_count_all()
        self.live = self._live()
        self.facet_fields = frozenset(facet_fields)
        self._facet_bits: dict[str, dict[str, int]] = {}
        self._newest_first: list[int] | None = None
        self._memo: dict[str, int] = {}

    def forget(self) -> None:
        """Drop the bitmaps of the words searched for (kept only within one search)."""
        self._memo.clear()

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

    def term(self, fieldname: str, text: str | bytes) -> int:
        return self.live & _to_bits(
            ((offset, _block_ids(sub.reader(), fieldname, text)) for sub, offset in self.leaves),
            self.size,
        )

    def prefix(self, fieldname: str, prefix: str) -> int:
        def blocks(reader) -> Iterator[Sequence[int]]:
            try:
                terms = list(reader.expand_prefix(fieldname, prefix))
            except TermNotFound:
                return
            for text in terms:
                yield from _block_ids(reader, fieldname, text)

        return self.live & _to_bits(
            ((offset, blocks(sub.reader())) for sub, offset in self.leaves), self.size
        )

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
            return self.prefix(query.fieldname, query.text)
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
        # Phrases and anything else: Whoosh finds the documents (no scoring).
        return self.live & _to_bits([(0, [list(query.docs(self.searcher))])], self.size)

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
            self._newest_first = [docnum for _, docnum in order]
        mask = bits.to_bytes((self.size >> 3) + 1, "little")
        found: list[int] = []
        for docnum in self._newest_first:
            if mask[docnum >> 3] >> (docnum & 7) & 1:
                if skip:
                    skip -= 1
                    continue
                found.append(docnum)
                if len(found) >= count:
                    break
        return found
