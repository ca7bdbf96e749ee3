"""The engine's front door: everything the reader shows is one call on :class:`Library`, and the library keeps
itself safe when called from several threads at once (the reader's workers never hold a lock of their own)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from index import Library, open_library
from index.compare import compare, source_furniture
from index.stories import story_map


def test_compare_is_one_call_with_corpus_weights_and_site_furniture(seeds_library: Library) -> None:
    through_library = seeds_library.compare("001", "002").to_dict()
    a, b = seeds_library.article("001"), seeds_library.article("002")
    assembled = compare(a, b, weights=seeds_library.term_weights(),
                        recurring=source_furniture(seeds_library, a, b)).to_dict()
    assert through_library == assembled
    assert through_library["a"]["id"].startswith("001") and through_library["b"]["id"].startswith("002")


def test_stories_and_similar_are_library_calls(seeds_library: Library) -> None:
    stories = seeds_library.stories()
    assert [s.id for s in stories.stories()] == [s.id for s in story_map(seeds_library).stories()]
    similar = seeds_library.similar("001", limit=3)
    assert len(similar) == 3
    assert all(n.id != seeds_library.resolve_id("001") for n in similar)


def test_threads_reading_at_once_each_get_their_own_answer(seeds_index_dir) -> None:
    """Searches, article reads, comparisons and story maps from eight threads at once, on one library (a
    Whoosh searcher shared without the library's lock fails in odd ways: wrong postings, closed files)."""
    from conftest import SEEDS

    with open_library(SEEDS, seeds_index_dir) as lib:
        expected_search = {q: [h.id for h in lib.search(q).hits] for q in ("taliban", "kabul airport", "IS-K")}
        expected_titles = {a.id: lib.article(a.id).title for a in lib.articles()}
        lib.close()  # every thread starts from a closed searcher: they race to open it

        def work(n: int) -> None:
            query = list(expected_search)[n % 3]
            assert [h.id for h in lib.search(query).hits] == expected_search[query]
            for article_id, title in expected_titles.items():
                assert lib.article(article_id).title == title
            if n % 4 == 0:
                assert lib.compare("000", "004").to_dict()["a"]["id"].startswith("000")
            if n % 4 == 1:
                assert lib.stories().stories()

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(work, range(32)))
