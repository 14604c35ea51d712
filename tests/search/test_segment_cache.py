"""What is decoded from index segments is kept across searches and index generations, and a
search answers exactly as it would with nothing kept."""

from __future__ import annotations

import pytest

from portal.search import services
from portal.search.docsets import DocSets, clear_segment_cache, segment_cache
from portal.search.query import build, parse
from tests.search.support import QUERIES, add_org, index_now, titles

pytestmark = pytest.mark.usefixtures("search_index")


def _answers() -> dict[str, tuple]:
    """Every query's total, facet counts and first two pages (relevance and date order)."""
    out = {}
    for text in QUERIES:
        for sort in ("relevance", "date"):
            pages = [services.search(text, per_page=3, page=p, sort=sort) for p in (1, 2)]
            facets = {(f.name, v.value): v.count for f in pages[0].facets for v in f.values}
            out[text, sort] = (pages[0].page.total, facets, [titles(p) for p in pages])
    return out


def _cold_answers() -> dict[str, tuple]:
    clear_segment_cache()
    services.close_searchers()
    return _answers()


def _content() -> int:
    add_org("Cache ett", "Vi ansluter till geodataplattformen och digital detaljplan.")
    add_org("Cache två", "Bygglov och geodata, digital detaljplan i kommunen. Bygglov!")
    add_org("Cache tre", "Fastighetsbildning och bygglovshandläggning.")
    doomed = add_org("Cache fyra", "Bygglov som tas bort, geodata också.")
    index_now()
    return doomed


def test_warm_cache_answers_as_a_cold_one_after_additions_updates_and_deletions(ctx):
    from portal.extensions import db
    from portal.orgs.models import Organisation

    doomed = _content()
    _answers()  # everything these queries need is now kept
    assert len(segment_cache)
    # A new segment, a deletion in an old one and an update (a deletion plus an addition).
    add_org("Cache fem", "Ännu en text om bygglov och geodata, bygglov igen.")
    db.session.delete(db.session.get(Organisation, doomed))
    changed = db.session.scalar(db.select(Organisation).where(Organisation.name == "Cache tre"))
    changed.description = "Nu handlar det om geodata och kommunens bygglov."
    db.session.commit()
    index_now()
    warm = _answers()
    assert warm == _cold_answers()
    totals = {text: total for (text, _), (total, _, _) in warm.items()}
    searcher = services._searcher()
    for text in QUERIES:
        assert totals[text] == len(set(build(parse(text)).docs(searcher))), text
    assert not any("Cache fyra" in t for _, _, pages in warm.values() for p in pages for t in p)


def test_a_cache_too_small_for_anything_answers_the_same(app, ctx):
    _content()
    expected = _cold_answers()
    app.config["SEARCH_CACHE_MB"] = 0
    try:
        clear_segment_cache()
        services.close_searchers()
        assert _answers() == expected
        assert segment_cache.bytes == 0 and len(segment_cache) == 0
    finally:
        app.config["SEARCH_CACHE_MB"] = 128
        services.close_searchers()
        services.search("bygglov")  # a new searcher sets the bound back


def test_the_cache_stays_within_its_bound_dropping_the_least_recently_used():
    from portal.search.docsets import SegmentCache

    cache = SegmentCache(max_bytes=10_000)
    for n in range(50):
        cache.get(("k", n), lambda n=n: 1 << (8 * 1000 + n))  # about 1 kB each
    assert cache.bytes <= 10_000
    assert cache.peek(("k", 49)) is not None and cache.peek(("k", 0)) is None
    assert cache.get(None, lambda: 5) == 5 and cache.peek(None) is None


def test_a_new_index_generation_decodes_only_its_new_segments(ctx):
    _content()
    _answers()
    old = {seg.segment_id() for seg in services._searcher().reader().segments()}
    before = set(segment_cache._entries)
    add_org("Cache sex", "Ytterligare bygglov med geodata.")
    index_now()
    _answers()
    searcher = services._searcher()
    kept = old & {seg.segment_id() for seg in searcher.reader().segments()}
    decoded_again = [
        key
        for key in set(segment_cache._entries) - before
        if key[1] in kept and key[3] in ("postings", "prefix", "lengths", "dates")
    ]
    assert decoded_again == []
    assert set(segment_cache._entries) - before  # the new segment was read


def test_ranking_from_cached_postings_is_whooshs_bm25f(ctx):
    _content()
    searcher = services._searcher()
    for _ in range(2):  # the second time every posting comes from the cache
        sets = DocSets(searcher)
        for text in ["bygglov", "bygglov geodata", "kommun", '"digital detaljplan"']:
            query = build(parse(text), parts=False)
            whoosh_scores = {h.docnum: h.score for h in searcher.search(query, limit=None)}
            scores = sets.scores(query)
            for docnum, score in whoosh_scores.items():
                assert scores[docnum] == pytest.approx(score, rel=1e-9), text


def test_segments_are_separate_files_never_one_compound_file(app, ctx):
    """Whoosh copies a compound segment's postings into each process's memory."""
    from pathlib import Path

    from portal.search import indexing

    _content()
    directory = Path(app.config["SEARCH_INDEX_DIR"])
    indexing.rebuild(wait=10)
    add_org("Cache sju", "Ännu ett bygglov.")
    index_now()
    assert list(directory.glob("*.pst"))
    assert not list(directory.glob("*.seg"))


def test_date_order_is_newest_first_undated_last_ties_in_document_order(ctx):
    import numpy as np

    _content()
    add_org("Cache åtta", "Bygglov.")
    index_now()
    searcher = services._searcher()
    expected = []
    for sub, offset in searcher.leaf_searchers():
        for docnum, value in enumerate(sub.reader().column_reader("date", translate=False)):
            expected.append((-value if value else float("inf"), docnum + offset))
    expected.sort()
    sets = DocSets(searcher)
    assert sets.newest_first(sets.live, 0, 10**6) == [d for _, d in expected if sets.live >> d & 1]
    assert np.array_equal(sets._newest_first, [d for _, d in expected])
