"""The fast paths under the search service agree with Whoosh's own, slower answers."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from portal.search import indexing, services
from portal.search.docsets import DocSets
from portal.search.query import build, parse
from tests.search.support import QUERIES, add_org, index_now

pytestmark = pytest.mark.usefixtures("search_index")


def _content():
    add_org("Motor ett", "Vi ansluter till geodataplattformen och digital detaljplan.")
    add_org("Motor två", "Bygglov och geodata, digital detaljplan i kommunen.")
    add_org("Motor tre", "Fastighetsbildning och bygglovshandläggning.")
    doomed = add_org("Motor fyra", "Bygglov som tas bort.")
    index_now()
    return doomed


def _whoosh_docs(searcher, query) -> set[int]:
    return set(query.docs(searcher))


def _bits_docs(bits: int) -> set[int]:
    return {i for i in range(bits.bit_length()) if bits >> i & 1}


def test_bitmaps_match_whoosh_for_every_query_shape_across_segments_and_deletions(ctx):
    from portal.extensions import db
    from portal.orgs.models import Organisation

    doomed = _content()
    # A second commit makes a second segment, and a deletion marks a document deleted.
    add_org("Motor fem", "Ännu en text om bygglov och geodata.")
    db.session.delete(db.session.get(Organisation, doomed))
    db.session.commit()
    index_now()
    searcher = services._searcher()
    sets = DocSets(searcher, facet_fields=["doc_type", "org_kind"])
    assert len(sets.leaves) >= 1
    for text in QUERIES:
        query = build(parse(text))
        assert _bits_docs(sets.query(query)) == _whoosh_docs(searcher, query), text
    every = _bits_docs(sets.query(wq.Every()))
    assert every == set(searcher.reader().all_doc_ids())
    for value, bits in sets.facet("doc_type").items():
        assert _bits_docs(bits) == _whoosh_docs(searcher, wq.Term("doc_type", value))


def test_bulk_scores_are_whooshs_bm25f_for_every_whole_word_query_shape(ctx):
    from portal.extensions import db
    from portal.orgs.models import Organisation

    doomed = _content()
    add_org(
        "Motor fem", "Ännu en text om bygglov och geodata, bygglov igen och digital detaljplan."
    )
    db.session.delete(db.session.get(Organisation, doomed))
    db.session.commit()
    index_now()
    searcher = services._searcher()
    sets = DocSets(searcher)
    for text in [q for q in QUERIES if "*" not in q] + ['"digital detaljplan i kommunen"']:
        query = build(parse(text), parts=False)
        # Whoosh's scored search can return a document that `-word` excludes (its AndNot
        # matcher with a scored Or of prefixes): the documents are `query.docs()`.
        matched = _whoosh_docs(searcher, query)
        assert matched and _bits_docs(sets.query(query)) == matched, text
        whoosh_scores = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
        expected = {d: whoosh_scores[d] for d in matched}
        scores = sets.scores(query)
        for docnum, score in expected.items():
            assert scores[docnum] == pytest.approx(score, rel=1e-9), text
        ranked = sets.ranked(query, sets.query(query), 0, len(expected))
        assert [scores[d] for d in ranked] == pytest.approx(
            sorted(expected.values(), reverse=True), rel=1e-9
        ), text
        assert sets.ranked(query, sets.query(query), 1, 2) == ranked[1:3], text


def test_phrases_match_adjacent_words_in_any_inflection(ctx):
    add_org("Fras böjd", "Kommunen inför digitala detaljplaner under året.")
    add_org("Fras isär", "Digitala verktyg för nya detaljplaner.")
    add_org("Fras tre", "Vi har en digital detaljplan i kommunen sedan i fjol.")
    index_now()
    selected = {"type": ["organisation"]}

    def names(text):
        found = services.search(text, selected=selected, per_page=50).hits
        return sorted("".join(s.text for s in h.title) for h in found)

    assert names('"digital detaljplan"') == ["Fras böjd", "Fras tre"]
    # Stop words between the words do not break a phrase (they are not indexed).
    assert names('"digitala verktyg nya detaljplaner"') == ["Fras isär"]
    assert names('"detaljplan digital"') == []
    assert names('"digital detaljplan kommunen"') == ["Fras tre"]


def test_totals_and_facet_counts_match_a_count_by_whoosh(ctx):
    _content()
    searcher = services._searcher()
    for text in QUERIES:
        results = services.search(text)
        expected = _whoosh_docs(searcher, build(parse(text)))
        assert results.page.total == len(expected), text
        by_type: dict[str, int] = {}
        for docnum in expected:
            doc_type = searcher.stored_fields(docnum)["doc_type"]
            by_type[doc_type] = by_type.get(doc_type, 0) + 1
        facet = next((f for f in results.facets if f.name == "type"), None)
        shown = {v.value: v.count for v in facet.values} if facet else {}
        assert shown == by_type, text


def test_whole_words_rank_before_parts_and_pages_do_not_overlap(ctx):
    for i in range(7):
        add_org(f"Helt ord {i}", "Vi arbetar med zebrakarta varje dag.")
        add_org(f"Del av ord {i}", "Vi använder zebrakartaportalen varje dag.")
    index_now()
    selected = {"type": ["organisation"]}
    first = services.search("zebrakarta", selected=selected, per_page=5)
    pages = [
        services.search("zebrakarta", selected=selected, per_page=5, page=p) for p in (1, 2, 3)
    ]
    names = ["".join(s.text for s in h.title) for page in pages for h in page.hits]
    assert first.page.total == 14
    assert len(names) == len(set(names)) == 14
    assert all(n.startswith("Helt ord") for n in names[:7])
    assert all(n.startswith("Del av ord") for n in names[7:])


def test_parallel_rebuild_gives_the_same_index_as_a_serial_one(app, ctx, monkeypatch):
    _content()
    serial = services.search("bygglov").page.total
    monkeypatch.setattr(indexing, "PARALLEL_REBUILD_MIN_DOCS", 0)
    app.config["SEARCH_REBUILD_PROCS"] = 2
    try:
        count = indexing.rebuild(wait=10)
    finally:
        app.config["SEARCH_REBUILD_PROCS"] = 0
    assert count > 0
    assert indexing.verify().clean
    assert services.search("bygglov").page.total == serial


def _terms_and_blocks(directory) -> dict:
    """Every term's statistics and every posting block's lengths, ids and weights."""
    from whoosh import index as whoosh_index

    out = {}
    with whoosh_index.open_dir(str(directory)).reader() as reader:
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            blocks = []
            matcher = reader.postings(fieldname, text)
            while matcher.is_active():
                blocks.append(
                    (
                        matcher.block_min_length(),
                        matcher.block_max_length(),
                        matcher.block_max_weight(),
                        tuple(matcher.all_ids()),
                    )
                )
                break  # all_ids() read the rest
            out[fieldname, text] = (
                info.weight(),
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
                blocks,
            )
    return out


def test_rebuild_writes_the_same_terms_and_blocks_as_whooshs_own_codec(
    app, ctx, monkeypatch, tmp_path
):
    from whoosh.codec.whoosh3 import W3Codec

    _content()
    written = []
    for make in (lambda: W3Codec(compression=0), indexing.codec):
        monkeypatch.setattr(indexing, "codec", make)
        directory = tmp_path / str(len(written))
        directory.mkdir()
        app.config.update(SEARCH_INDEX_DIR=str(directory), SEARCH_REBUILD_PROCS=1)
        try:
            assert indexing.rebuild(wait=10) > 0
        finally:
            app.config["SEARCH_REBUILD_PROCS"] = 0
        written.append(_terms_and_blocks(directory))
    assert len(written[0]) > 100
    assert written[0] == written[1]
