"""The catalog after an update: the rows that changed appended to a journal beside it (a few hundred bytes for an
edit, not the whole catalog: 6 MB on Reuters), read back as the catalog written whole would be; a catalog from
before journals opens the same and is written whole (with a journal's token) by the next update; a damaged journal
is refused (the index rebuilt), never read; a line an interrupted update left unfinished is not read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index import open_library, store


def _build(corpus: Path, index_dir: Path):
    with open_library(corpus, index_dir) as lib:
        return lib.build()


def _whole(generation: Path, corpus: Path, tmp_path: Path) -> tuple[dict, str]:
    """What the catalog reads as when written whole (into a copy of the generation)."""
    copy = tmp_path / "whole"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(generation, copy)
    rows, annotator = store.read_catalog(copy)
    store.write_catalog(copy, corpus, rows, annotator)
    assert not (copy / store.CATALOG_JOURNAL).exists()
    return store.read_catalog(copy)


def _edit(corpus: Path, number: int, text: str = "\nA postscript, revised.\n") -> Path:
    path = sorted(corpus.glob("*.txt"))[number]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
    return path


def _journaled(corpus: Path, index_dir: Path) -> tuple[Path, Path, Path, Path]:
    """The corpus and index after one article was edited (its row in the journal), the generation and journal."""
    _edit(corpus, 1)
    _build(corpus, index_dir)
    generation = store.current_generation(index_dir)
    return corpus, index_dir, generation, generation / store.CATALOG_JOURNAL


@pytest.fixture()
def indexed(seeds_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    index_dir = tmp_path / "index"
    _build(seeds_copy, index_dir)
    return seeds_copy, index_dir


def test_an_edit_appends_its_row_and_reads_as_the_whole_catalog(indexed, tmp_path: Path) -> None:
    corpus, index_dir = indexed
    generation = store.current_generation(index_dir)
    catalog = generation / store.CATALOG
    before = catalog.read_bytes()
    old_rows = store.read_catalog(generation)[0]
    edited = _edit(corpus, 1)
    report = _build(corpus, index_dir)
    assert report.changed == 1 and store.current_generation(index_dir) == generation
    assert catalog.read_bytes() == before  # not written again
    journal = (generation / store.CATALOG_JOURNAL).read_bytes()
    assert journal.count(b"\n") == 1 and edited.name.encode() in journal and len(journal) < len(before)
    rows, annotator = store.read_catalog(generation)
    whole, whole_annotator = _whole(generation, corpus, tmp_path)
    assert (rows, list(rows), annotator) == (whole, list(whole), whole_annotator)
    edited_id = next(r["id"] for r in rows.values() if r["path"] == edited.name)
    assert rows[edited_id]["content_hash"] != old_rows[edited_id]["content_hash"]
    assert {k: v for k, v in rows.items() if k != edited_id} == {k: v for k, v in old_rows.items() if k != edited_id}
    with open_library(corpus, index_dir) as lib:
        assert lib.search("postscript revised").total == 1
        assert [a.id for a in lib.articles()] == sorted(rows)
        assert not lib.changes()


def test_files_added_and_deleted_read_in_id_order(indexed, tmp_path: Path) -> None:
    corpus, index_dir = indexed
    first = sorted(corpus.glob("*.txt"))[0]
    added = corpus / "000_aaaa.txt"
    added.write_text("An added story\n\nThe Taliban met in Kabul on Tuesday.\n", encoding="utf-8")
    gone = sorted(corpus.glob("*.txt"))[-1]
    gone.unlink()
    report = _build(corpus, index_dir)
    assert (report.added, report.deleted) == (1, 1)
    generation = store.current_generation(index_dir)
    assert (generation / store.CATALOG_JOURNAL).is_file()
    rows, _ = store.read_catalog(generation)
    whole, _ = _whole(generation, corpus, tmp_path)
    assert rows == whole and list(rows) == list(whole) == sorted(rows)
    assert added.name in {r["path"] for r in rows.values()} and gone.name not in {r["path"] for r in rows.values()}
    assert first.name in {r["path"] for r in rows.values()}


def test_a_catalog_from_before_journals_opens_the_same_and_is_written_whole_by_the_next_update(indexed) -> None:
    corpus, index_dir = indexed
    generation = store.current_generation(index_dir)
    catalog = generation / store.CATALOG
    data = json.loads(catalog.read_text(encoding="utf-8"))
    old = {"corpus": data["corpus"], "annotator": data["annotator"], "articles": data["articles"]}
    catalog.write_text(json.dumps(old), encoding="utf-8")  # as Byline wrote it before
    rows, annotator = store.read_catalog(generation)
    assert list(rows.values()) == data["articles"] and annotator == data["annotator"]
    _edit(corpus, 2)
    assert _build(corpus, index_dir).changed == 1
    assert not (generation / store.CATALOG_JOURNAL).exists()
    assert catalog.read_bytes().startswith(b'{"journal":"')  # upgraded: the next edit appends
    _edit(corpus, 3)
    assert _build(corpus, index_dir).changed == 1
    assert (generation / store.CATALOG_JOURNAL).is_file()


def test_a_damaged_journal_is_refused_and_the_next_build_rebuilds(indexed) -> None:
    corpus, index_dir, generation, journal = _journaled(*indexed)
    data = bytearray(journal.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of a complete line
    journal.write_bytes(bytes(data))
    with pytest.raises(store.IndexCorrupt):
        store.read_catalog(generation)
    report = _build(corpus, index_dir)
    assert report.full
    rows, _ = store.read_catalog(store.current_generation(index_dir))
    assert len(rows) == len(list(corpus.glob("*.txt")))


def test_an_unfinished_last_line_is_not_read_and_the_next_update_replaces_it(indexed, tmp_path: Path) -> None:
    corpus, index_dir, generation, journal = _journaled(*indexed)
    complete = journal.read_bytes()
    rows = store.read_catalog(generation)[0]
    with journal.open("ab") as handle:
        handle.write(b'0badf00d {"journal":"cut sh')  # an update interrupted while appending
    assert store.read_catalog(generation)[0] == rows
    _edit(corpus, 2)
    assert _build(corpus, index_dir).changed == 1
    lines = journal.read_bytes().splitlines(keepends=True)
    assert lines[0] == complete and len(lines) == 2 and b"cut sh" not in lines[1]
    assert store.read_catalog(generation)[0] == _whole(generation, corpus, tmp_path)[0]


def test_a_journal_left_from_a_catalog_since_written_whole_is_ignored(indexed) -> None:
    corpus, _, generation, journal = _journaled(*indexed)
    stale = journal.read_bytes()
    rows, annotator = store.read_catalog(generation)
    store.write_catalog(generation, corpus, rows, annotator)  # written whole (a new token), journal removed
    changed = dict(rows)
    first = next(iter(changed))
    changed[first] = {**changed[first], "title": "Written whole after"}
    store.write_catalog(generation, corpus, changed, annotator)
    journal.write_bytes(stale)  # as a crash between writing the catalog and removing the journal leaves it
    assert store.read_catalog(generation)[0][first]["title"] == "Written whole after"


def test_a_journal_past_its_share_is_folded_into_the_catalog(indexed, monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    corpus, index_dir = indexed
    generation = store.current_generation(index_dir)
    catalog, journal = generation / store.CATALOG, generation / store.CATALOG_JOURNAL
    _edit(corpus, 1)
    _build(corpus, index_dir)
    line = journal.stat().st_size
    monkeypatch.setattr(store, "JOURNAL_FLOOR", max(line * 5 // 2, catalog.stat().st_size // 8))
    written = catalog.stat().st_ino
    _edit(corpus, 2)
    _build(corpus, index_dir)
    assert catalog.stat().st_ino == written and journal.read_bytes().count(b"\n") == 2
    _edit(corpus, 3)
    _build(corpus, index_dir)  # a third line would pass the share: the catalog is written whole
    assert catalog.stat().st_ino != written and not journal.exists()
    assert store.read_catalog(generation)[0] == _whole(generation, corpus, tmp_path)[0]
    _edit(corpus, 4)
    _build(corpus, index_dir)
    assert journal.read_bytes().count(b"\n") == 1


def test_the_stories_follow_an_edit_the_journal_holds(indexed) -> None:
    corpus, index_dir = indexed
    with open_library(corpus, index_dir) as lib:
        before = {article.id: article.title for story in lib.stories().stories() for article in story.articles}
    edited = sorted(corpus.glob("*.txt"))[0]
    text = edited.read_text(encoding="utf-8")
    edited.write_text("A headline rewritten\n\n" + text.split("\n\n", 1)[1], encoding="utf-8")
    _build(corpus, index_dir)
    assert (store.current_generation(index_dir) / store.CATALOG_JOURNAL).is_file()
    with open_library(corpus, index_dir) as lib:
        after = {article.id: article.title for story in lib.stories().stories() for article in story.articles}
    assert "A headline rewritten" in after.values() and "A headline rewritten" not in before.values()


def test_the_corpus_a_catalog_was_written_for_is_read_from_its_first_bytes_and_its_journals_last_line(
        tmp_path: Path) -> None:
    """Every open of an index asks which corpus it holds (an index of another corpus is refused): the answer is the
    journal's last complete line when it belongs to this catalog, else the catalog's own; a line left unfinished, a
    journal of an older catalog and a catalog written before journals (spaced JSON) are read right."""
    import zlib

    def compact(data: dict) -> str:
        return json.dumps(data, separators=(",", ":"))

    def line(token: str, corpus: str) -> bytes:
        payload = compact({"journal": token, "corpus": corpus, "annotator": "x", "rows": [], "deleted": []}).encode()
        return b"%08x %s\n" % (zlib.crc32(payload), payload)

    generation = tmp_path
    (generation / store.CATALOG).write_text(compact({"journal": "abc123", "corpus": "/news", "annotator": "x",
                                                     "articles": []}), encoding="utf-8")
    assert store.catalog_corpus(generation) == "/news"
    journal = generation / store.CATALOG_JOURNAL
    journal.write_bytes(line("abc123", "/old") * 3 + line("abc123", "/moved news") + line("abc123", "/x")[:-1])
    assert store.catalog_corpus(generation) == "/moved news"
    journal.write_bytes(line("fff999", "/another"))  # an older catalog's journal: not this one's
    assert store.catalog_corpus(generation) == "/news"
    journal.unlink()
    (generation / store.CATALOG).write_text(json.dumps({"corpus": "/before journals", "articles": []}),
                                           encoding="utf-8")
    assert store.catalog_corpus(generation) == "/before journals"
