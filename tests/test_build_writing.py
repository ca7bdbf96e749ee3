"""How a full build writes the index: whichever way it is written (one process or several, while spaCy annotates
or after, postings held in memory or sorted on disk), the index holds the same documents, in the same order,
with the same postings, stored fields, vectors, lengths and columns, and the same story features."""

from __future__ import annotations

import json
import random
import re
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from index import open_library, store
from index.models import Annotation, EntitySpan

ARTICLES = 2_100  # enough for two processes to write a segment each (1,000 documents a process)
NAMES = ["Angela Merkel", "Kabul", "Reuters", "Texaco Inc", "U.S.", "OPEC", "Ahmad Shah", "Herat", "IBM", "Tokyo"]
WORDS = ("the oil price rose as talks on output stalled and the minister said it's not over yet while shares "
         "of the company fell in early trading after reports of a merger were denied by officials").split()


def _corpus(folder: Path) -> Path:
    rng = random.Random(19)
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for number in range(ARTICLES):
            sentences = []
            for _ in range(rng.randint(2, 12)):
                words = [*rng.choices(WORDS, k=rng.randint(4, 16)), rng.choice(NAMES)]
                rng.shuffle(words)
                sentence = " ".join(words)
                sentences.append(sentence[0].upper() + sentence[1:] + ".")
            out.write(json.dumps({"id": f"a{number:05d}", "title": f"{rng.choice(NAMES)} {rng.choice(WORDS)} report",
                                  "body": "\n\n".join(sentences), "source": rng.choice(["Wire", "Daily", "Post"]),
                                  "published": f"1987-03-{1 + number % 28:02d}"}) + "\n")
    return path


_NAME = re.compile("|".join(re.escape(name) for name in NAMES))


class _Annotator:
    """Names found by a pattern, one text at a time (as spaCy gives them), in place of spaCy."""

    def __init__(self, model_name: str, *, jobs: int = 1, patterns: Sequence = ()) -> None:
        self.model_name = model_name

    def annotate(self, texts: Sequence[str]) -> Iterator[Annotation]:
        for text in texts:
            spans = tuple(EntitySpan(start=m.start(), end=m.end(), text=m.group(),
                                     label="PERSON" if " " in m.group() else "ORG" if m.group().isupper() else "GPE")
                          for m in _NAME.finditer(text))
            yield Annotation(entities=spans, sentences=((0, len(text)),))


def _contents(index_dir: Path) -> dict:
    """Everything the Whoosh index of ``index_dir`` holds, by global document number, and its story features."""
    from whoosh import index as whoosh_index

    generation = store.current_generation(index_dir)
    assert generation is not None
    ix = whoosh_index.open_dir(str(generation))
    with ix.reader() as reader:
        postings = {}
        for field in reader.indexed_field_names():
            for term in reader.lexicon(field):
                matcher = reader.postings(field, term)
                found = []
                while matcher.is_active():
                    found.append((matcher.id(), matcher.weight(), matcher.value()))
                    matcher.next()
                postings[field, term] = found
        documents = []
        for docnum, stored in reader.iter_docs():
            documents.append((stored,
                              {f: list(reader.vector_as("weight", docnum, f)) for f in store.ENTITY_FIELDS
                               if reader.has_vector(docnum, f)},
                              {f: reader.doc_field_length(docnum, f) for f in ("title", "body", "source", "entity")}))
        columns = {f: list(reader.column_reader(f, translate=False)) for f in ("source_facet", "published",
                                                                             store.ENTITY_KEYS)}
        lengths = {f: reader.field_length(f) for f in ("title", "body", "source", "entity")}
    ix.close()
    with sqlite3.connect(index_dir / "story-features.sqlite") as db:
        features = list(db.execute("SELECT key, data FROM features ORDER BY key"))
    return {"postings": postings, "documents": documents, "columns": columns, "lengths": lengths,
            "features": features}


def _build(corpus: Path, index_dir: Path, *, jobs: int = 1) -> dict:
    with open_library(corpus, index_dir) as lib:
        report = lib.build(rebuild=True, jobs=jobs, annotator=_Annotator)
        assert report.articles == ARTICLES
        hits = [h.id for h in lib.search("merkel oil").hits]
    return _contents(index_dir) | {"hits": hits}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("writing"))


@pytest.fixture(scope="module")
def written_after(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The index of one process writing after annotating (the documents written by Whoosh's own pool are
    checked against it below)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("index.build._WRITE_MEANWHILE", 10 ** 9)
        return _build(corpus, tmp_path_factory.mktemp("after") / "idx")


def test_two_processes_write_the_documents_one_process_writes_in_its_order(
        corpus: Path, written_after: dict, tmp_path: Path) -> None:
    both = _build(corpus, tmp_path / "idx", jobs=2)
    ix = store.open_whoosh(store.current_generation(tmp_path / "idx"))
    try:
        assert len(ix._segments()) == 2
    finally:
        ix.close()
    assert both == written_after


def test_documents_written_while_annotating_are_those_written_after(
        corpus: Path, written_after: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("index.build._WRITE_MEANWHILE", 1)
    assert _build(corpus, tmp_path / "idx") == written_after


def test_postings_past_the_memory_held_are_written_alike(
        corpus: Path, written_after: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "HELD_MB", 0)  # every document's postings go on to Whoosh's sorted runs
    monkeypatch.setattr(store, "WRITER_MB", 1)  # which spill to disk
    monkeypatch.setattr("index.build._WRITE_MEANWHILE", 10 ** 9)
    assert _build(corpus, tmp_path / "idx") == written_after


@pytest.mark.parametrize("text", [
    "", "The U.S. and the E.U. met in Brussels; OPEC's ministers didn't.", "IBM IBM ibm I.B.M. it's",
    "Ça coûte 1,000 dollars — naïve café, São Paulo’s mayor", "a an the of THE The", "x\n\nY  z\tw",
])
def test_text_fields_are_indexed_as_whoosh_analyses_them(text: str) -> None:
    from index.analysis import index_positions

    schema = store.make_schema()
    for name in ("title", "body", "source"):
        field = schema[name]
        assert sorted(index_positions(text, field.format.field_boost, field.format.encode)) == \
            sorted(field.index(text))


def test_a_failed_writer_process_leaves_the_build_to_write_the_documents_itself(
        corpus: Path, written_after: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from index import build

    write = store.write_documents

    def failing_in_the_process(generation: Path, change: store.Change, *args, **options) -> None:
        if isinstance(change.write, build._Arriving):
            raise OSError("disk trouble in the writing process")
        write(generation, change, *args, **options)

    monkeypatch.setattr(build, "_WRITE_MEANWHILE", 1)
    monkeypatch.setattr(store, "write_documents", failing_in_the_process)
    assert _build(corpus, tmp_path / "idx") == written_after
    assert [p.name for p in (tmp_path / "idx").glob("gen-*")] == [store.current_generation(tmp_path / "idx").name]
