"""Entity facets read from the index's column of entity keys, and an index written before that column still
answered from its term vectors, with the same facets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from whoosh import query as wq

from conftest import write_files
from index import Library, open_library, store
from index.search import searcher as searcher_module
from index.search.terms import SegmentColumn, _doc_terms

QUERIES = ("taliban", "kabul", "attack OR embassy", '"Islamic State"', "afghan*", "talibn~")


_SCHEMA = store.make_schema


def _without_entity_keys():
    """The schema as Byline wrote it before the entity key column."""
    from whoosh.fields import Schema

    schema = _SCHEMA()
    return Schema(**{name: schema[name] for name in schema.names() if name != store.ENTITY_KEYS})


def _build(corpus: Path, index_dir: Path, seeds_index_dir: Path) -> Library:
    """``corpus`` indexed in ``index_dir``, spaCy's results copied from the session's seeds index."""
    index_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(seeds_index_dir / store.ANNOTATIONS, index_dir / store.ANNOTATIONS)
    lib = open_library(corpus, index_dir)
    lib.build()
    return lib


@pytest.fixture()
def old_library(seeds_copy: Path, tmp_path: Path, seeds_index_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """The seeds indexed as a Byline without the entity key column wrote them."""
    with monkeypatch.context() as patch:
        patch.setattr(store, "make_schema", _without_entity_keys)
        lib = _build(seeds_copy, tmp_path / "old", seeds_index_dir)
    assert store.ENTITY_KEYS not in lib._search_engine().searcher.schema
    yield lib
    lib.close()


def _facets(lib: Library, query: str):
    result = lib.search(query)
    return result.facets, [(h.id, h.score) for h in result.hits], result.total


def test_the_column_holds_each_documents_entity_vectors(seeds_library: Library) -> None:
    reader = seeds_library._search_engine().searcher.reader()
    column = SegmentColumn(reader, store.ENTITY_KEYS)
    named = 0
    for docnum in reader.all_doc_ids():
        keys = store.decode_entity_keys(column.get(docnum))
        vectors = [(field, term) for field in store.ENTITY_FIELDS for term in _doc_terms(reader, docnum, field)]
        assert sorted(keys) == sorted(vectors)
        named += bool(keys)
    assert named == 5


def test_entity_facets_come_from_the_column_not_the_term_vectors(seeds_library: Library,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    seeds_library.refresh()  # nothing kept from earlier searches

    def no_vectors(*args):
        raise AssertionError("a term vector was read")

    monkeypatch.setattr(searcher_module, "_doc_terms", no_vectors)
    entities = {f.value: f.count for f in seeds_library.search("taliban").facets["entity"]}
    assert entities.get("Kabul") == 5


def test_an_index_without_the_column_gives_the_same_facets(seeds_library: Library, old_library: Library) -> None:
    for query in QUERIES:
        assert _facets(old_library, query) == _facets(seeds_library, query), query
    assert any(_facets(seeds_library, query)[0]["entity"] for query in QUERIES)


def test_an_index_without_the_column_is_updated_and_still_faceted(seeds_copy: Path, old_library: Library,
                                                                   tmp_path: Path) -> None:
    write_files(seeds_copy, {"new.txt": "Kabul news\n\nThe Taliban met in Kabul with Zabihullah Mujahid."})
    update = old_library.build()
    assert (update.full, update.added) == (False, 1)
    assert store.ENTITY_KEYS not in old_library._search_engine().searcher.schema
    fresh = _build(seeds_copy, tmp_path / "new", tmp_path / "old")  # spaCy's results for new.txt too
    try:
        for query in ("kabul", "taliban", "news"):
            assert _facets(old_library, query) == _facets(fresh, query), query
    finally:
        fresh.close()


def test_a_segment_without_the_column_reads_none_and_the_others_their_own(tmp_path: Path) -> None:
    """Whoosh writes no column file for a segment where no document has a value: its documents are read from
    their vectors, and the next segment's values stay with their own documents."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.create_in(str(tmp_path), store.make_schema())
    for number, keys in ((0, None), (1, None), (2, b"kabul"), (3, b"herat")):
        writer = ix.writer()
        fields = {"id": str(number), "body": "text"}
        if keys is not None:
            fields[store.ENTITY_KEYS] = keys
        writer.add_document(**fields)
        writer.commit(merge=False)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert len(list(reader.leaf_readers())) == 4
        column = SegmentColumn(reader, store.ENTITY_KEYS)
        by_id = {searcher.stored_fields(d)["id"]: column.get(d) for d in reader.all_doc_ids()}
    assert by_id == {"0": None, "1": None, "2": b"kabul", "3": b"herat"}
    ix.close()


@pytest.mark.parametrize("terms", [
    {},
    {"person": ["zabihullah mujahid"], "place": ["kabul", "us"]},
    {"org": ["taliban"], "group": ["afghans", "pashtun"]},
])
def test_entity_keys_read_back_as_written(terms: dict[str, list[str]]) -> None:
    value = store.encode_entity_keys(terms)
    assert store.decode_entity_keys(value) == [(f, k) for f in store.ENTITY_FIELDS for k in terms.get(f, [])]


def test_the_twelve_entities_shown_are_those_of_sorting_them_all(seeds_library: Library,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the entities mentioned as often as the twelfth are sorted by name: the same twelve, in the same order,
    with ties at the twelfth across many names."""
    import random
    from collections import Counter

    engine = seeds_library._search_engine()
    results = engine.searcher.search(wq.Every(), limit=None)
    r = random.Random(7)
    names = [(f"{r.choice('abcAB')}{r.choice('xyzXY')}{n}", r.choice(("person", "org", "place"))) for n in range(60)]
    entities = {docnum: tuple(set(r.sample(names, r.randrange(0, 9)))) for docnum in results.docs()}
    monkeypatch.setattr(engine, "_doc_entities", entities.__getitem__)
    counts = Counter(pair for hit in results[:200] for pair in entities[hit.docnum])
    expected = sorted(counts.items(), key=lambda item: (-item[1], item[0][0].casefold(), item[0]))[:12]
    shown = engine._entity_facets(results)
    assert [(f.value, f.count) for f in shown] == [(name, count) for (name, _kind), count in expected]
    assert len(shown) == 12
