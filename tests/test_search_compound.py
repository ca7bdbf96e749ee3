"""ANDs, ORs and phrases matched on decoded postings (index.search.compound): the same documents, in the same
order, with the same scores to the last bit, as Whoosh's own matchers give them, and without Whoosh's
posting-at-a-time intersection."""

from __future__ import annotations

import pytest
from whoosh import query as wq
from whoosh.matching import IntersectionMatcher

from index import Library
from index.search import parse
from index.search.compound import FastAnd, FastOr, FastPhrase, fast, scored_documents
from index.search.terms import TermUnion, WordPrefix, search_all


def _word(word: str, title_boost: float = 2.0) -> wq.Or:
    return wq.Or([wq.Term("title", word, boost=title_boost), wq.Term("body", word)])


def _phrase(*words: str) -> wq.Or:
    return wq.Or([wq.Phrase("title", list(words), boost=2.0), wq.Phrase("body", list(words))])


QUERIES = [
    wq.And([_word("taliban"), _word("kabul")]),
    wq.And([_word("taliban"), _word("kabul"), _word("said")]),  # a tree of three, joined by estimated size
    wq.And([_word("taliban"), wq.Or([_word("kabul"), _word("attack"), wq.Term("body", "said")])]),
    wq.And([_word("kabul"), WordPrefix("body", "af")], boost=1.5),
    wq.And([_word("kabul"), TermUnion([wq.Term("body", "taliban"), wq.Term("title", "taliban", boost=2.0)])]),
    wq.And([_word("kabul"), _phrase("=the", "taliban")]),
    _phrase("=the", "taliban"),
    _phrase("kabul", "airport"),
    wq.Or([_phrase("taliban", "said"), _word("kabul")], boost=0.5),
    wq.Phrase("body", ["taliban", "said"]),
    wq.Phrase("body", ["=the", "taliban", "=and"]),
    wq.Phrase("body", ["kabul", "nowhere"]),
    wq.And([_word("kabul"), _word("xyzzyplugh")]),
]


def _hits(searcher, q) -> list[tuple[int, float]]:
    return [(hit.docnum, hit.score) for hit in search_all(searcher, q)]


def _whooshs(searcher, q) -> list[tuple[int, float]]:
    return [(hit.docnum, hit.score) for hit in searcher.search(q, limit=None)]


@pytest.mark.parametrize("q", QUERIES)
def test_same_documents_and_scores_as_whooshs(seeds_library: Library, q) -> None:
    searcher = seeds_library._search_engine().searcher
    mine = fast(q)
    assert type(mine) in (FastAnd, FastOr, FastPhrase)
    assert all(scored_documents(mine, leaf, None) is not None for leaf, _offset in searcher.leaf_searchers())
    assert _hits(searcher, mine) == _whooshs(searcher, q)


def test_the_queries_find_something(seeds_library: Library) -> None:
    searcher = seeds_library._search_engine().searcher
    assert all(_whooshs(searcher, q) for q in QUERIES[:-2])


def test_an_and_is_not_intersected_a_posting_at_a_time(seeds_library: Library,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    searcher = seeds_library._search_engine().searcher
    q = parse(seeds_library._search_engine().parser, seeds_library.registry, 'taliban AND kabul AND "kabul airport"')
    expected = _whooshs(searcher, wq.And(q.subqueries))

    def skip_to(self, docnum):
        raise AssertionError("intersected a posting at a time")

    monkeypatch.setattr(IntersectionMatcher, "skip_to", skip_to)
    monkeypatch.setattr(IntersectionMatcher, "next", skip_to)
    assert type(q) is FastAnd
    assert _hits(searcher, q) == expected and expected


def test_what_is_not_matched_here_is_whooshs(seeds_library: Library) -> None:
    """A NOT, a phrase with a slop: Whoosh matches them (the same answers as before)."""
    searcher = seeds_library._search_engine().searcher
    for q in (wq.And([_word("kabul"), wq.Not(wq.Term("body", "taliban"))]),
              wq.Or([wq.Phrase("body", ["taliban", "kabul"], slop=5), _word("airport")]),
              wq.Phrase("body", ["taliban", "kabul"], slop=3)):
        assert _hits(searcher, fast(q)) == _whooshs(searcher, q)


@pytest.mark.parametrize("boosts", [(2.0, 3.0, 4.0, 0.7), (4.0, 0.7, 3.0, 2.0), (0.3, 2.0, 0.7, 9.0)])
def test_parts_of_equal_size_are_added_in_whooshs_order(seeds_library: Library, boosts) -> None:
    """Parts Whoosh estimates alike: the tree of sums is Whoosh's (floats added in another order differ)."""
    searcher = seeds_library._search_engine().searcher
    for q in (wq.And([_word("kabul", boost) for boost in boosts]),
              wq.Or([wq.Term("body", "kabul", boost=boost) for boost in boosts]),
              wq.And([_word("taliban"), _word("kabul"), _phrase("=the", "taliban")])):
        assert _hits(searcher, fast(q)) == _whooshs(searcher, q)
    q = fast(wq.And([_word("kabul", boost) for boost in boosts]))
    assert all(scored_documents(q, leaf, None) is not None for leaf, _offset in searcher.leaf_searchers())


def test_phrases_across_segments(tmp_path) -> None:
    """Positions read for the documents that have every word, in an index of several segments."""
    from whoosh import index as whoosh_index

    from index import store

    ix = whoosh_index.create_in(str(tmp_path), store.make_schema())
    texts = ["central bank raised rates", "the bank was central to it", "central bank central bank", "bank"]
    for segment in range(3):
        writer = ix.writer()
        for number, text in enumerate(texts):
            writer.add_document(id=f"{segment}-{number}", title="Bank news", body=text)
        writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(list(searcher.reader().leaf_readers())) == 3
        for q in (wq.Phrase("body", ["central", "bank"]), wq.And([_word("bank"), _word("central")]),
                  wq.Or([wq.Phrase("body", ["central", "bank"]), wq.Phrase("title", ["bank", "news"])])):
            mine = _hits(searcher, fast(q))
            assert mine == _whooshs(searcher, q) and mine
    ix.close()


def test_a_common_words_blocks_without_a_rare_words_documents_are_not_decoded(tmp_path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """``rare AND common``, ``"rare common"``: the common word is read only in the blocks that may hold one of the
    rare word's documents; the same hits and scores as Whoosh's."""
    from whoosh import index as whoosh_index
    from whoosh.codec.whoosh3 import W3LeafMatcher

    from index import store

    ix = whoosh_index.create_in(str(tmp_path), store.make_schema())
    writer = ix.writer()
    for number in range(2000):
        extra = " rare market" if number in (5, 1500) else (" market rare" if number == 700 else "")
        writer.add_document(id=str(number), title=f"Day {number}", body=f"the market fell {number % 7}{extra}")
    writer.commit()
    decoded: list[bytes] = []
    real = W3LeafMatcher._read_data

    def counting(self):
        decoded.append(self._term[1] if isinstance(self._term, tuple) else b"")
        return real(self)

    with ix.searcher() as searcher:
        from index.search.terms import _load_lengths

        _load_lengths(searcher.reader(), ("title", "body"))
        for q in (wq.And([_word("rare"), _word("market")]), _phrase("rare", "market")):
            expected = _whooshs(searcher, q)
            monkeypatch.setattr(W3LeafMatcher, "_read_data", counting)
            mine = _hits(searcher, fast(q))
            monkeypatch.setattr(W3LeafMatcher, "_read_data", real)
            assert mine == expected and len(mine) == (3 if type(q) is wq.And else 2)
            market_blocks = sum(1 for term in decoded if term == b"market")
            assert 0 < market_blocks <= 3 < searcher.reader().doc_frequency("body", b"market") // 128
            decoded.clear()
    ix.close()
