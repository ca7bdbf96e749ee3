"""Searching the seeds: terms, phrases, fuzzy, acronyms, fields, dates, facets, suggestions, bad queries."""

from __future__ import annotations

import pytest

from conftest import write_files
from index import Library, QueryError, open_library
from index.analysis import analyze


def ids(lib: Library, query: str) -> set[str]:
    return {hit.id[:3] for hit in lib.search(query, limit=50).hits}


def test_plain_terms_and_ranking(seeds_library: Library) -> None:
    result = seeds_library.search("Jalalabad")
    assert [h.id[:3] for h in result.hits] == ["004"]
    assert result.total == 1
    assert ids(seeds_library, "taliban") == {"000", "001", "002", "003", "004"}


def test_phrases_match_words_in_order(seeds_library: Library) -> None:
    assert ids(seeds_library, '"suicide bombing"') == {"000", "001", "003"}  # 003: "suicide bomb attack"
    assert ids(seeds_library, '"bombing suicide"') == set()
    assert ids(seeds_library, '"technical problems"') == {"001", "002"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"We hope that the Afghans"', {"001", "002"}),
        ('"influenced by IS"', {"001"}),
        ('"After the US military has withdrawn"', {"001"}),  # its title
        ('"exit of US"', {"003"}),
        ('"by IS"', {"000", "001", "003"}),  # "by IS-K" (000) prints "by IS" too, as FTS5 and ripgrep see it
        ('"hope that the"', {"001", "002"}),
        ('"hope the Afghans"', set()),  # "that" is in the way: a stop word in a phrase is a word like any
        ('"The U.S. Department of Defense"', {"000"}),  # acronyms keep working inside phrases
        ('"targeted US evacuation"', {"004"}),  # U.S. is US
        ('"targeted us evacuation"', {"004"}),  # in small letters, the word in any case
    ],
)
def test_phrases_with_small_words_find_the_articles_that_print_them(
        seeds_library: Library, query: str, expected: set[str]) -> None:
    assert ids(seeds_library, query) == expected


def test_a_phrase_is_highlighted_whole(seeds_library: Library) -> None:
    hit = seeds_library.search('"We hope that the Afghans"').hits[0]
    shown = [f.text[start:end] for f in hit.fragments for start, end in f.matches]
    assert shown and set(shown) == {"We hope that the Afghans"}
    titled = seeds_library.search('"After the US military has withdrawn"').hits[0]
    assert [titled.title[s:e] for s, e in titled.title_matches] == ["After the US military has withdrawn"]
    assert "=the" not in seeds_library.search('"hope that the"').terms


def test_stop_words_outside_a_phrase_are_not_searched(seeds_library: Library) -> None:
    assert ids(seeds_library, "the Jalalabad") == {"004"}
    # "being" stems to "be", which is a stop word: marked apart, so searching "being" never finds every "be"
    assert [t for t, *_ in analyze("being be", stops=True)] == ["be", "=be"]
    assert ids(seeds_library, "the") == set()  # every seed article says "the"


def test_text_is_compared_composed(tmp_path) -> None:
    composed, decomposed = "\u00e9cole", "e\u0301cole"
    folder = write_files(tmp_path / "corpus", {"a.txt": f"Schools\n\nThe {composed} reopened.\n",
                                                "b.txt": f"More schools\n\nAn {decomposed} closed.\n",
                                                "c.txt": "Other\n\nNothing here.\n"})
    with open_library(folder, tmp_path / "index") as lib:
        lib.build()
        for query in (composed, decomposed, f"{composed[:3]}*", f"{decomposed[:4]}*", f'"the {decomposed}"'):
            expected = {"a"} if query.startswith('"') else {"a", "b"}
            assert {h.id for h in lib.search(query).hits} == expected, ascii(query)
        hit = next(h for h in lib.search(composed).hits if h.id == "b")
        assert [f.text[s:e] for f in hit.fragments for s, e in f.matches] == [decomposed]


def test_an_index_of_the_old_format_is_refused_with_rebuild(seeds_copy, tmp_path) -> None:
    import json

    from index import IndexCorrupt, store

    with open_library(seeds_copy, tmp_path / "index") as lib:
        lib.build()
    marker = store.current_generation(tmp_path / "index") / store.FORMAT
    old = json.loads(marker.read_text(encoding="utf-8")) | {"index": 1}
    marker.write_text(json.dumps(old), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="rebuild"), open_library(seeds_copy, tmp_path / "index") as lib:
        lib.search("taliban")


def test_fuzzy_and_prefix(seeds_library: Library) -> None:
    # One edit away: the Korean outlet's "Zabihula" is found from the usual spelling.
    assert "000" in ids(seeds_library, "Zabihullah~2")
    assert ids(seeds_library, "Jalalabd~") == {"004"}
    assert ids(seeds_library, "Khoras*") == {"002"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("IS", {"000", "001", "002", "003"}),  # the group, not the verb: 004 says only ISIS
        ("IS-K", {"000", "002"}),
        ("ISIS", {"000", "001", "002", "004"}),
        ("isis", {"000", "001", "002", "004"}),
        ("U.S.", {"000", "001", "002", "003", "004"}),
        ("al-Qaeda", {"004"}),
        ('"al Qaeda"', {"004"}),
    ],
)
def test_acronyms_are_searchable(seeds_library: Library, query: str, expected: set[str]) -> None:
    assert ids(seeds_library, query) == expected


def test_the_verb_is_is_still_a_stop_word(seeds_library: Library) -> None:
    assert ids(seeds_library, "is") == set()  # four of the five seed articles use the verb
    assert seeds_library.search("IS").terms == ("IS",)  # the group, its case kept
    assert [t for t, *_ in analyze("ISIS")] == ["ISIS", "isi"]


def test_fields(seeds_library: Library) -> None:
    assert ids(seeds_library, "source:afp") == {"002", "003"}
    assert ids(seeds_library, 'source:"German outlet"') == {"001"}
    assert ids(seeds_library, "title:Jalalabad") == set()
    assert ids(seeds_library, "title:affirm") == {"003"}
    assert ids(seeds_library, "taliban NOT source:afp") == {"000", "001", "004"}


def test_dates(seeds_library: Library) -> None:
    assert ids(seeds_library, "date:2021-08-30") == {"002"}
    assert ids(seeds_library, "date:[2021-08-01 TO 2021-08-31]") == {"002", "003"}
    assert ids(seeds_library, "date:2021-09") == {"004"}
    assert ids(seeds_library, "date:>2021-09-01") == {"004"}


def test_entity_fields(seeds_library: Library) -> None:
    assert ids(seeds_library, "entity:Jalalabad") == {"004"}
    assert ids(seeds_library, 'person:"Zabihullah Mujahid"') >= {"002", "003", "004"}
    assert ids(seeds_library, "place:Jalalabad") == {"004"}
    assert ids(seeds_library, "person:Jalalabad") == set()


def test_snippets_carry_offsets_of_the_matched_words(seeds_library: Library) -> None:
    result = seeds_library.search("Jalalabad")
    hit = result.hits[0]
    article = seeds_library.article(hit.id)
    assert hit.fragments
    for fragment in hit.fragments:
        assert article.text[fragment.start : fragment.start + len(fragment.text)] == fragment.text
        for start, end in fragment.matches:
            assert fragment.text[start:end] == "Jalalabad"


def test_facets_count_sources_and_entities(seeds_library: Library) -> None:
    result = seeds_library.search("taliban")
    sources = {f.value: f.count for f in result.facets["source"]}
    assert sources == {
        "Korean outlet": 1, "German outlet": 1, "French outlet (AFP)": 1, "English outlet (AFP)": 1,
        "Southfront.org": 1,
    }
    entities = {f.value: f.count for f in result.facets["entity"]}
    assert entities.get("Kabul") == 5
    narrowed = next(f for f in result.facets["source"] if f.value == "Southfront.org")
    assert ids(seeds_library, f"taliban {narrowed.clause}") == {"004"}


def test_did_you_mean(seeds_library: Library) -> None:
    result = seeds_library.search("Talibn")
    assert result.total == 0
    assert result.suggestion == "taliban"


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        ('"we hope', "unclosed quote", 0),
        ("taliban AND", "nothing after AND", 8),
        ("(isis OR daesh", "unclosed '('", 0),
        ("isis)", "unmatched ')'", 4),
        ("author:x", "unknown field 'author'", 0),
        ("title: kabul", "nothing after 'title:'", 0),
        ("OR isis", "OR needs a term on each side", 0),
        ("date:2021-13-45", "cannot read", 0),
    ],
)
def test_malformed_queries_say_where(seeds_library: Library, query: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as info:
        seeds_library.search(query)
    assert message in str(info.value)
    if message != "cannot read":
        assert info.value.position == position


def test_a_prefix_finds_the_words_that_begin_with_it_as_typed(tmp_path) -> None:
    """``expe*`` is every word beginning "expe" (not the stem "exp", which would bring "explain"), and a word
    the index holds under a shorter stem ("agreed" as ``agre``) is still found by ``agree*``."""
    corpus = write_files(tmp_path / "c", {
        "a.txt": "Export news\n\nThe minister explained the export rules.",
        "b.txt": "Expected news\n\nAnalysts expected higher prices.",
        "c.txt": "Deal news\n\nThe two sides agreed on a price.",
        "d.txt": "Per capita news\n\nIncome per head rose.",
        "e.txt": "Staff news\n\nPersonnel changes were announced.",
    })
    lib = open_library(corpus, tmp_path / "idx")
    lib.build()
    assert {h.id for h in lib.search("expe*").hits} == {"b"}
    assert {h.id for h in lib.search("agree*").hits} == {"c"}
    assert {h.id for h in lib.search("pers*").hits} == {"e"}
    assert {h.id for h in lib.search("exp*").hits} == {"a", "b"}


def test_an_article_is_named_by_its_id_or_its_corpus_path(seeds_library: Library, monkeypatch, capsys) -> None:
    import json

    from conftest import SEEDS
    from reader.cli import main

    first = sorted(SEEDS.glob("001_*.txt"))[0]
    assert seeds_library.resolve_id(first.name) == first.stem  # from the corpus
    assert seeds_library.resolve_id(str(first)) == first.stem  # absolute
    monkeypatch.chdir(SEEDS.parent)
    assert seeds_library.resolve_id(f"{SEEDS.name}/{first.name}") == first.stem  # from here
    with pytest.raises(KeyError):
        seeds_library.resolve_id("no/such/file.txt")
    index_dir = str(seeds_library.index_dir)
    assert main(["show", str(first), "--corpus", str(SEEDS), "--index-dir", index_dir, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == first.stem
    second = sorted(SEEDS.glob("002_*.txt"))[0]
    assert main(["compare", str(first), str(second), "--corpus", str(SEEDS), "--index-dir", index_dir,
                 "--format", "json"]) == 0
    assert capsys.readouterr().out.strip().startswith("{")
    assert main(["similar", str(second), "--corpus", str(SEEDS), "--index-dir", index_dir]) == 0
    assert second.stem in capsys.readouterr().out


def test_a_line_of_a_jsonl_corpus_is_named_by_its_path(tmp_path) -> None:
    corpus = tmp_path / "news.jsonl"
    corpus.write_text('{"id": "x1", "title": "One", "body": "Kabul airport."}\n'
                      '{"id": "x2", "title": "Two", "body": "Kandahar."}\n', encoding="utf-8")
    with open_library(corpus, tmp_path / "index") as lib:
        lib.build()
        assert lib.resolve_id("news.jsonl:2") == "x2"
        with pytest.raises(KeyError, match="ambiguous"):
            lib.resolve_id(str(corpus))


@pytest.mark.parametrize("query", ["taliban~", "talban~", "kabull~2", "airprt~", "Zabihullah~2", "bom~1/2", "IS~",
                                   "kabl~ AND taliban", "talibn~ OR airport"])
def test_fuzzy_terms_and_scores_are_whooshs(seeds_library: Library, query: str) -> None:
    """A fuzzy term looked up in the sorted term list finds the terms Whoosh's Levenshtein automaton finds, and
    the same articles with the same scores in the same order as Whoosh's own fuzzy query."""
    from whoosh import query as wq

    from index.search import WordFuzzy, parse

    engine = seeds_library._search_engine()
    reader = engine.searcher.reader()
    q = parse(engine.parser, engine.registry, query)
    fuzzy = [node for node in _leaves(q) if isinstance(node, WordFuzzy)]
    assert fuzzy
    for node in fuzzy:
        whooshs = reader.terms_within(node.fieldname, node.text, node.maxdist, node.prefixlength)
        assert node._btexts(reader) == sorted(word.encode("utf-8") for word in whooshs)

    def plain(node):  # the same query with Whoosh's FuzzyTerm
        if isinstance(node, WordFuzzy):
            return wq.FuzzyTerm(node.fieldname, node.text, node.boost, node.maxdist, node.prefixlength)
        return node if node.is_leaf() else node.apply(plain)

    ours = [(hit.docnum, round(hit.score, 9)) for hit in engine.searcher.search(q, limit=None)]
    theirs = [(hit.docnum, round(hit.score, 9)) for hit in engine.searcher.search(plain(q), limit=None)]
    assert ours and ours == theirs


def _leaves(q):
    return [q] if q.is_leaf() else [leaf for child in q.children() for leaf in _leaves(child)]


def test_fuzzy_term_lookup_matches_a_full_comparison() -> None:
    """One edit leaves half a word whole: the lookup by halves finds every term a full comparison finds."""
    from rapidfuzz.distance import Levenshtein

    from index.search import FieldTerms

    terms = FieldTerms.__new__(FieldTerms)
    terms.words = sorted({"bank", "banks", "bang", "tank", "bnk", "bask", "ban", "blank", "abank", "bankk", "b",
                          "ba", "kabul", "kabal", "akbul", "kabuls", "xabul", "kbul", "éabul", "kabu"})
    terms._backwards = None
    for text in ("bank", "kabul", "ba", "bk", "ab", "éabul", "kabuk"):
        for maxdist in (0, 1, 2):
            for prefix in (0, 1, 2, 3):
                expected = sorted(w for w in terms.words
                                  if w.startswith(text[:prefix]) and Levenshtein.distance(w, text) <= maxdist)
                assert terms.within(text, maxdist, prefix) == expected, (text, maxdist, prefix)


def test_source_column_read_in_one_piece_is_whooshs(seeds_library: Library) -> None:
    """The source facet's column, read in one piece per segment, holds what Whoosh reads value by value."""
    from index.search import column_values

    reader = seeds_library._search_engine().searcher.reader()
    values = column_values(reader, "source_facet")
    assert values == list(reader.column_reader("source_facet"))
    assert len(set(values)) > 1
