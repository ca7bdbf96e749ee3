"""Unions of terms (a word in title and body, ``a OR b``, prefixes, fuzzy words) scored a block of postings at a
time: the same documents and the same scores, to the last bit, as Whoosh's own union of term matchers."""

from __future__ import annotations

import pytest
from whoosh import query as wq
from whoosh.scoring import BM25FScorer

from index import Library
from index.search.terms import TermUnion, WordPrefix, search_all

QUERIES = [
    TermUnion([wq.Term("title", "taliban", boost=2.0), wq.Term("body", "taliban")]),
    TermUnion([wq.Term("body", "kabul"), wq.Term("body", "attack"), wq.Term("title", "kabul", boost=2.0)]),
    WordPrefix("body", "af"),
]


def _scores(searcher, q) -> dict[str, float]:
    return {hit["id"]: hit.score for hit in searcher.search(q, limit=None)}


@pytest.mark.parametrize("q", QUERIES)
def test_summed_scores_are_whooshs(seeds_library: Library, q) -> None:
    searcher = seeds_library._search_engine().searcher
    whooshs = wq.Or(q.subqueries) if isinstance(q, TermUnion) else wq.Or(
        [wq.Term("body", word.decode()) for word in q._btexts(searcher.reader())])
    mine = _scores(searcher, q)
    assert mine and mine == _scores(searcher, whooshs)


def test_postings_are_scored_without_whooshs_per_posting_scorer(seeds_library: Library,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    searcher = seeds_library._search_engine().searcher
    expected = _scores(searcher, QUERIES[0])

    def per_posting(self, matcher):
        raise AssertionError("scored a posting at a time")

    monkeypatch.setattr(BM25FScorer, "score", per_posting)
    assert _scores(searcher, QUERIES[0]) == expected


@pytest.mark.parametrize("q", [*QUERIES, wq.And([wq.Term("body", "taliban"), wq.Term("body", "kabul")])])
def test_every_match_collected_is_whooshs(seeds_library: Library, q) -> None:
    searcher = seeds_library._search_engine().searcher
    mine = search_all(searcher, q)
    whooshs = searcher.search(q, limit=None)
    assert [(hit.docnum, hit.score) for hit in mine] == [(hit.docnum, hit.score) for hit in whooshs]
    assert len(mine) == len(whooshs) > 0 and set(mine.docs()) == set(whooshs.docs())


def test_a_unions_matches_are_collected_in_one_piece(seeds_library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    from whoosh.collectors import UnlimitedCollector

    searcher = seeds_library._search_engine().searcher
    expected = [(hit.docnum, hit.score) for hit in search_all(searcher, QUERIES[0])]

    def one_by_one(self, sub_docnum):
        raise AssertionError("collected a document at a time")

    monkeypatch.setattr(UnlimitedCollector, "collect", one_by_one)
    assert [(hit.docnum, hit.score) for hit in search_all(searcher, QUERIES[0])] == expected


def test_equal_scores_keep_whooshs_document_order(tmp_path) -> None:
    """Articles scored alike (the same text) come in document order, across segments, as Whoosh gives them."""
    from whoosh import index as whoosh_index

    from index import store

    ix = whoosh_index.create_in(str(tmp_path), store.make_schema())
    for segment in range(3):
        writer = ix.writer()
        for number in range(4):
            text = "bank news" if number % 2 else "bank news today"
            writer.add_document(id=f"{segment}-{number}", title="Bank", body=text)
        writer.commit(merge=False)
    q = TermUnion([wq.Term("title", "bank", boost=2.0), wq.Term("body", "bank")])
    with ix.searcher() as searcher:
        assert len(list(searcher.reader().leaf_readers())) == 3
        mine = [(hit.docnum, hit.score) for hit in search_all(searcher, q)]
        assert mine == [(hit.docnum, hit.score) for hit in searcher.search(q, limit=None)]
        assert len({score for _, score in mine}) == 2 and len(mine) == 12
    ix.close()
