"""The benchmark's builds without named entities (``python -m bench --no-entities``, bench/scale.py): sentences as
the real annotator splits them, no entity spans, and nothing of them ever reaching a real build."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench import __main__ as bench_main
from bench import corpora, scale
from bench.queries import Query, RgQuery
from index import Article, open_library
from index.annotate import Annotator, model_fingerprint

TEXTS = [
    "FED RAISES RATES\n\nThe Federal Reserve (Fed) said on Tuesday that Paul Volcker would speak in New York. "
    "He did not say when.\n\nThe Fed's decision surprised traders in London and Tokyo.\n",
    "No names here. Just two sentences",
    "",
]


@pytest.fixture()
def bench_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(corpora, "BENCH_DIR", tmp_path / "bench")
    monkeypatch.setattr(scale, "BENCH_DIR", tmp_path / "bench")
    return tmp_path / "bench"


def test_sentences_as_the_real_annotator_splits_them_and_no_entities(bench_dir: Path) -> None:
    mine = list(scale.SentencesOnly(str(scale.no_entities_model())).annotate(TEXTS))
    real = list(Annotator().annotate(TEXTS))
    assert [a.sentences for a in mine] == [a.sentences for a in real]
    assert real[0].entities  # the real one names the Fed, Volcker, New York ...
    assert all(a.entities == () for a in mine)  # ... this one names nobody, not even a defined acronym
    assert mine[0].sentences[0] == (0, len("FED RAISES RATES"))  # a headline is a sentence of its own


def test_long_texts_are_annotated_in_pieces_with_offsets_on_the_whole_text(bench_dir: Path) -> None:
    paragraph = "Shares rose sharply in early trading. " * 40
    text = "\n\n".join([paragraph.strip()] * 120)  # about 180,000 characters: two pieces
    (annotation,) = scale.SentencesOnly(str(scale.no_entities_model())).annotate([text])
    assert annotation.entities == ()
    assert len(annotation.sentences) == 40 * 120
    assert all(text[start:end] == "Shares rose sharply in early trading." for start, end in annotation.sentences)


def test_the_stand_in_model_has_a_fingerprint_of_its_own(bench_dir: Path) -> None:
    folder = scale.no_entities_model()
    assert scale.no_entities_model() == folder  # saved once
    assert model_fingerprint(str(folder)).endswith(f"en_{scale.MODEL_NAME}-{scale.MODEL_VERSION}")
    assert model_fingerprint(str(folder)) != model_fingerprint(Annotator().model_name)


def _tiny_corpus() -> Path:
    source = [Article(id=f"r{i}", title=f"Title {i}", text=text, source="r", path=f"r{i}")
              for i, text in enumerate(TEXTS[:2] * 3)]
    return corpora.synthetic(12, source_articles=source)


def test_a_build_without_entities_is_searchable_names_nobody_and_keeps_to_its_own_folder(bench_dir: Path) -> None:
    _tiny_corpus()
    corpus = scale.without_entities(corpora.resolve("synthetic:12"))
    assert corpus.name == "synthetic-12-no-entities"
    assert corpus.index_dir == bench_dir / "indexes" / "synthetic-12-no-entities"
    with open_library(corpus.path, corpus.index_dir) as lib:
        built = lib.build(**scale.build_options())
        assert built.articles == 12
        assert lib.entities() == []
        assert lib.search("Volcker").total > 0
        first = lib.article(lib.search("Volcker").hits[0].id)
        assert first.sentences and not first.entities
        again = lib.build(**scale.build_options())  # up to date: nothing annotated again
        assert again.annotated == 0
    # The cache holds these annotations under the stand-in's fingerprint only: a real build never reuses them.
    real = model_fingerprint(Annotator().model_name)
    with sqlite3.connect(corpus.index_dir / "annotations.sqlite") as db:
        keys = [row[0] for row in db.execute("SELECT key FROM annotations")]
    assert keys and not any(key.startswith(real + "/") for key in keys)
    assert not (bench_dir / "indexes" / "synthetic-12").exists()


def test_the_option_and_the_sections_it_cannot_run() -> None:
    args = bench_main.parse_args(["--corpus", "synthetic:1000", "--no-entities", "--rg-per-kind", "1"])
    assert args.no_entities and args.rg_per_kind == 1
    assert set(bench_main.SPACY_SECTIONS) == {"incremental", "build"}


def test_ripgrep_on_only_the_first_queries_of_each_kind() -> None:
    rg = RgQuery(groups=(("x",),))
    queries = [Query(kind, f"{kind}{n}", rg, None) for kind in ("rare", "common") for n in range(3)]
    kept = bench_main.rg_subset(queries, 1)
    assert [q.rg is not None for q in kept] == [True, False, False, True, False, False]
    assert [q.byline for q in kept] == [q.byline for q in queries]
    assert bench_main.rg_subset(queries, -1) == queries

